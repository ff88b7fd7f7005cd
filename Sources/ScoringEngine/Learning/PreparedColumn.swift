/// A column made ready for repeated fitting: numeric values sorted once (reused by every
/// fold) with each sorted entry's fold and outcome packed beside it, so that a fold's groups
/// come from one sequential pass; or category labels encoded as codes.
struct PreparedColumn: Sendable {
    let name: String
    let isCategorical: Bool
    /// Numeric values (NaN missing); empty for categorical columns.
    let values: [Double]
    /// Rows with a present numeric value, sorted by value (ties by row).
    let order: [Int32]
    /// `values` in `order`.
    let sortedValues: [Double]
    /// Per sorted entry: fold << 1 | won.
    let sortedTags: [UInt8]
    /// Rows with a missing numeric value, and their tags.
    let missingRows: [Int32]
    let missingTags: [UInt8]
    /// Category codes per row (−1 missing); empty for numeric columns.
    let codes: [Int32]
    /// The distinct labels (first spelling seen; labels equal ignoring case share a code).
    let labels: [String]
    /// Rows with a present value.
    let presentCount: Int
    let count: Int

    /// The tag of a row: its fold (0...126) shifted left once, or-ed with 1 when won.
    @inline(__always)
    static func tag(fold: Int, won: Bool) -> UInt8 { UInt8(truncatingIfNeeded: fold << 1) | (won ? 1 : 0) }

    init(_ column: LearningColumn, outcomes: [Double], assignment: [Int]) {
        name = column.name
        count = column.count
        switch column.values {
        case .numeric(let values):
            isCategorical = false
            self.values = values
            // Sort (value, row) pairs held together (cache-friendly); a total order, so the
            // result is deterministic.
            var pairs: [(value: Double, row: Int32)] = []
            pairs.reserveCapacity(values.count)
            var missingRows: [Int32] = []
            var missingTags: [UInt8] = []
            for row in values.indices {
                if values[row].isNaN {
                    missingRows.append(Int32(truncatingIfNeeded: row))
                    missingTags.append(Self.tag(fold: assignment[row], won: outcomes[row] >= 0.5))
                } else {
                    pairs.append((values[row], Int32(truncatingIfNeeded: row)))
                }
            }
            pairs.sort { $0.value < $1.value || ($0.value == $1.value && $0.row < $1.row) }
            order = pairs.map(\.row)
            sortedValues = pairs.map(\.value)
            sortedTags = pairs.map { Self.tag(fold: assignment[Int($0.row)], won: outcomes[Int($0.row)] >= 0.5) }
            self.missingRows = missingRows
            self.missingTags = missingTags
            codes = []
            labels = []
            presentCount = pairs.count
        case .categorical(let raw):
            isCategorical = true
            values = []
            order = []
            sortedValues = []
            sortedTags = []
            missingRows = []
            missingTags = []
            // Labels equal but for case are one group, named by the spelling of its first
            // account; an empty label is missing. Each distinct spelling is looked up once.
            var index: [String: Int32] = [:]
            var labels: [String] = []
            let codes = raw.mapCodes { label in
                guard !label.isEmpty else { return -1 }
                let (code, isNew) = index.code(for: label.lowercased())
                if isNew { labels.append(label) }
                return code
            }
            self.codes = codes
            self.labels = labels
            presentCount = codes.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        }
    }
}
