import Foundation
import ScoringEngine

/// Each scale kind as SQL: one small function per kind, each repeating the operations of
/// ``UtilityTable`` (same operands, same order, constants computed in Swift as the engine
/// computes them), so that a utility in SQL differs from kam's by at most a rounding of
/// the engine's `ln`.
///
/// A new scale kind needs one function here and one line in ``utility(of:factor:_:)``;
/// until then the exporter refuses models that use it, by name.
extension SQLExporter {
    /// The statistics columns of a batch-relative factor (in the `stats` layer).
    struct BatchColumns {
        let minimum: String
        let maximum: String
        let mean: String
        let deviation: String
    }

    /// The utility of the present numeric value `x` of factor `index`, direction applied.
    func utility(of x: String, factor index: Int, _ statistics: BatchColumns) throws(SQLExportError) -> String {
        let factor = model.factors[index]
        let base: String
        switch factor.scale {
        case .linear(let low, let high): base = linear(x, low: low, high: high)
        case .log(let low, let high, let offset): base = log(x, low: low, high: high, offset: offset)
        case .piecewise(let points): base = piecewise(x, points.map { ($0.x, $0.utility) })
        case .binned(let bins): base = binned(x, bins.map { ($0.upper, $0.utility) })
        case .minMax: base = minMax(x, statistics)
        case .zScore(let clip): base = zScore(x, clip: clip, statistics)
        default: throw .unsupportedScale(factor: factor.id, kind: factor.scale.kind)
        }
        let directed = factor.direction == .decreasing ? "(\(d(1)) - \(base))" : base
        guard !factor.specialValues.isEmpty else { return directed }
        // Special values first, with their own (final) utilities, as UtilityTable does.
        let fallback = UtilityBuilder(model: model).missingUtility(factor: factor, meanUtility: 0.5)
        var sql = "CASE"
        for special in factor.specialValues {
            sql += " WHEN \(x) = \(d(special.value)) THEN \(d(special.utility ?? fallback))"
        }
        return sql + " ELSE \(directed) END"
    }

    /// A double literal.
    func d(_ value: Double) -> String { dialect.double(value) }

    func clamp01(_ expression: String) -> String {
        "LEAST(GREATEST(\(expression), \(d(0))), \(d(1)))"
    }

    /// `clamp01((x − min) / (max − min))`.
    func linear(_ x: String, low: Double, high: Double) -> String {
        clamp01("(\(x) - \(d(low))) / \(d(high - low))")
    }

    /// `clamp01(ln(clamp(x, min, max) − min + offset) / ln(max − min + offset))`.
    func log(_ x: String, low: Double, high: Double, offset: Double) -> String {
        let clamped = "LEAST(GREATEST(\(x), \(d(low))), \(d(high)))"
        let denominator = Foundation.log(high - low + offset)
        return clamp01("ln(\(clamped) - \(d(low)) + \(d(offset))) / \(d(denominator))")
    }

    /// Linear interpolation between points, constant beyond the first and last; the segment
    /// `xᵢ ≤ x < xᵢ₊₁` as the engine's binary search finds it.
    func piecewise(_ x: String, _ points: [(x: Double, u: Double)]) -> String {
        guard let first = points.first, let last = points.last else { return d(0.5) }
        func segment(_ i: Int) -> String {
            let (left, right) = (points[i], points[i + 1])
            return "\(d(left.u)) + ((\(x) - \(d(left.x))) / \(d(right.x - left.x))) * \(d(right.u - left.u))"
        }
        var sql = "CASE WHEN \(x) <= \(d(first.x)) THEN \(d(first.u)) WHEN \(x) >= \(d(last.x)) THEN \(d(last.u))"
        if points.count > 2 {
            for i in 0..<(points.count - 2) { sql += " WHEN \(x) < \(d(points[i + 1].x)) THEN \(segment(i))" }
        }
        return sql + " ELSE \(segment(points.count - 2)) END"
    }

    /// The utility of the first bin whose upper edge is above x.
    func binned(_ x: String, _ bins: [(upper: Double?, u: Double)]) -> String {
        var sql = "CASE"
        for bin in bins.dropLast() {
            guard let upper = bin.upper else { continue }
            sql += " WHEN \(x) < \(d(upper)) THEN \(d(bin.u))"
        }
        return sql + " ELSE \(d(bins.last?.u ?? 0.5)) END"
    }

    /// `clamp01((x − batch min) / (batch max − batch min))`; 0.5 without spread.
    func minMax(_ x: String, _ s: BatchColumns) -> String {
        let span = "(\(s.maximum) - \(s.minimum))"
        return "CASE WHEN \(span) > \(d(0)) THEN \(clamp01("(\(x) - \(s.minimum)) / \(span)")) ELSE \(d(0.5)) END"
    }

    /// The z-score clipped to ±clip, mapped onto 0...1; 0.5 without spread.
    func zScore(_ x: String, clip: Double, _ s: BatchColumns) -> String {
        let z = "LEAST(GREATEST((\(x) - \(s.mean)) / \(s.deviation), \(d(-clip))), \(d(clip)))"
        return "CASE WHEN \(s.deviation) > \(d(0)) THEN (\(z) + \(d(clip))) / \(d(2 * clip)) ELSE \(d(0.5)) END"
    }

    /// An interaction's utility (direction applied): the cell of its parents' groups, as
    /// ``Interaction/utility(first:second:)`` finds it — a numeric parent's group by its
    /// parsed value and the axis edges, a categorical parent's by its label (exact, then
    /// ignoring case, then `other`, as ``categoryUtility(_:factor:)`` matches), a missing
    /// parent's the last group.
    func interactionUtility(factor index: Int) throws(SQLExportError) -> String {
        let factor = model.factors[index]
        guard let table = factor.scale.interaction else {
            throw .unsupportedScale(factor: factor.id, kind: factor.scale.kind)
        }
        func group(_ axis: Interaction.Axis) throws(SQLExportError) -> String {
            guard let parentIndex = model.factors.firstIndex(where: { $0.id == axis.factor }) else {
                throw .unsupportedScale(factor: factor.id, kind: factor.scale.kind)
            }
            var sql = "CASE WHEN \(missing(parentIndex)) THEN \(axis.presentGroups)"
            if axis.isCategorical {
                let labels = axis.labels
                let parent = model.factors[parentIndex]
                guard case .categorical(let map, let other) = parent.scale else {
                    throw .unsupportedScale(factor: factor.id, kind: factor.scale.kind)
                }
                let t = text(parentIndex)
                for (code, category) in map.enumerated() { sql += " WHEN \(t) = \(dialect.string(category.label)) THEN \(code)" }
                var folded = Set<String>()
                for (code, category) in map.enumerated() where folded.insert(category.label.lowercased()).inserted {
                    sql += " WHEN lower(\(t)) = \(dialect.string(category.label.lowercased())) THEN \(code)"
                }
                if other != nil { sql += " ELSE \(labels.count - 1)" }
            } else {
                let x = value(parentIndex)
                for (g, edge) in axis.edges.enumerated() { sql += " WHEN \(x) < \(d(edge)) THEN \(g)" }
                sql += " ELSE \(axis.edges.count)"
            }
            return sql + " END"
        }
        let columns = table.second.presentGroups + 1
        var sql = "CASE (\(try group(table.first))) * \(columns) + (\(try group(table.second)))"
        for (i, row) in table.utilities.enumerated() {
            for (j, u) in row.enumerated() {
                sql += " WHEN \(i * columns + j) THEN \(d(factor.direction == .decreasing ? 1 - u : u))"
            }
        }
        return sql + " END"
    }

    /// A categorical factor's utility (direction applied) from its cleaned, present text:
    /// the label equal to the text, then the label equal ignoring case, then `other`; NULL
    /// for a label the model does not know (the row is rejected, as kam rejects it).
    func categoryUtility(_ text: String, factor: Factor) throws(SQLExportError) -> String {
        guard case .categorical(let map, let other) = factor.scale else {
            throw .unsupportedScale(factor: factor.id, kind: factor.scale.kind)
        }
        func directed(_ u: Double) -> String { d(factor.direction == .decreasing ? 1 - u : u) }
        var sql = "CASE"
        for category in map { sql += " WHEN \(text) = \(dialect.string(category.label)) THEN \(directed(category.utility))" }
        var folded = Set<String>()
        for category in map where folded.insert(category.label.lowercased()).inserted {
            sql += " WHEN lower(\(text)) = \(dialect.string(category.label.lowercased())) THEN \(directed(category.utility))"
        }
        if let other { sql += " ELSE \(directed(other.utility))" }
        return sql + " END"
    }
}
