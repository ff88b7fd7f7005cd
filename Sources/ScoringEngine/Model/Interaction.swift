/// A pairwise interaction of two factors: a utility in 0...1 per cell of a small 2-D table
/// whose rows are groups of the first parent's raw values and whose columns are groups of the
/// second parent's.
///
/// A numeric axis groups values by upper edges (`x < edges[0]` is group 0, …, `x ≥ last
/// edge` is group `edges.count`); a categorical axis groups by the parent's category code
/// (its map's order, then `other`), so `labels` repeats the parent's labels. Every axis has a
/// last group for a missing value. `utilities[i][j]` is the utility of first-axis group `i`
/// and second-axis group `j`.
///
/// The interaction is a derived factor: the model scores it like any other factor (its weight
/// times its utility), so a score is still one product of utilities and weights and
/// explanations still sum to the score. It adds nothing to completeness (its parents count).
public struct Interaction: Sendable, Equatable, Codable {
    public let first: Axis
    public let second: Axis
    /// `(first groups + 1) × (second groups + 1)` utilities in 0...1 (missing groups last).
    public let utilities: [[Double]]

    public init(first: Axis, second: Axis, utilities: [[Double]]) {
        self.first = first
        self.second = second
        self.utilities = utilities
    }

    /// One side of the table.
    public struct Axis: Sendable, Equatable, Codable {
        /// The id of the parent factor whose raw value (or category code) is grouped.
        public let factor: String
        /// Numeric axis: the strictly increasing finite upper edges of its groups.
        public let edges: [Double]
        /// Categorical axis: the parent's labels in code order (`other` last when the parent
        /// has one); empty for a numeric axis.
        public let labels: [String]

        public init(factor: String, edges: [Double] = [], labels: [String] = []) {
            self.factor = factor
            self.edges = edges
            self.labels = labels
        }

        public var isCategorical: Bool { !labels.isEmpty }

        /// Groups with a present value (the missing group is one more).
        public var presentGroups: Int { isCategorical ? labels.count : edges.count + 1 }

        /// The group of a raw value or category code; NaN is the missing group.
        @inline(__always)
        public func group(of x: Double) -> Int {
            if x.isNaN { return presentGroups }
            if isCategorical { return Int(x) }
            return Self.group(edges, from: 0, to: edges.count, of: x)
        }

        /// The number of edges in `edges[start..<end]` at or below `x` (binary search).
        @inline(__always)
        static func group(_ edges: [Double], from start: Int, to end: Int, of x: Double) -> Int {
            var low = start
            var high = end
            while low < high {
                let middle = (low &+ high) / 2
                if x < edges[middle] { high = middle } else { low = middle &+ 1 }
            }
            return low &- start
        }

        /// A short label of group `g` for people: `< 30`, `30–40`, `≥ 50`, a category, or `missing`.
        public func groupLabel(_ g: Int) -> String {
            if g == presentGroups { return "missing" }
            if isCategorical { return labels[g] }
            if edges.isEmpty { return "any" }
            if g == 0 { return "< \(formatPlain(edges[0]))" }
            if g == edges.count { return "≥ \(formatPlain(edges[g - 1]))" }
            return "\(formatPlain(edges[g - 1]))–\(formatPlain(edges[g]))"
        }
    }

    /// The utility of the cell holding two raw values (NaN = missing; category codes as
    /// `Double` for a categorical axis).
    public func utility(first x: Double, second y: Double) -> Double {
        utilities[first.group(of: x)][second.group(of: y)]
    }
}
