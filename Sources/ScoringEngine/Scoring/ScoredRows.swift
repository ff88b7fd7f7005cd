/// Rows as a streaming pass's panels turned them into utilities (``PanelScoring``), kept so
/// that their assessment can be assembled later without reading their factor values again
/// (``ScoringPipeline/assessment(of:segmentData:scored:scenario:statistics:)``).
///
/// Per row, in one flat array: its utilities (a missing `mean` factor at 0, as the panel
/// computes them before the list's mean is known), its completeness, and which factors were
/// present (a bit each, kept in the bit patterns of ``presenceWords`` doubles). About
/// `8 × (factors + 2)` bytes a row.
public struct ScoredRows: Sendable {
    public let factorCount: Int
    /// Doubles holding a row's presence bits.
    let presenceWords: Int
    /// Doubles per row.
    let stride: Int
    @usableFromInline var elements: [Double] = []

    public init(factorCount: Int) {
        self.factorCount = factorCount
        presenceWords = (factorCount + 63) / 64
        stride = factorCount + 1 + presenceWords
    }

    public var count: Int { elements.count / stride }

    public mutating func reserveCapacity(_ rows: Int) {
        elements.reserveCapacity(rows * stride)
    }

    /// Appends a row: `factorCount` utilities from `utilities` at `utilityStart`, and its
    /// completeness; factor `f` was present when `raw(f)` (the panel's raw value) is not NaN.
    @inlinable
    public mutating func append(
        utilities: [Double], at utilityStart: Int, completeness: Double, raw: (Int) -> Double
    ) {
        elements.append(contentsOf: utilities[utilityStart..<(utilityStart + factorCount)])
        elements.append(completeness)
        var word: UInt64 = 0
        for factor in 0..<factorCount {
            if !raw(factor).isNaN { word |= 1 << UInt64(factor % 64) }
            if factor % 64 == 63 || factor == factorCount - 1 {
                elements.append(Double(bitPattern: word))
                word = 0
            }
        }
    }

    /// Appends row `row` of `other` (scored with the same model).
    public mutating func append(_ row: Int, of other: ScoredRows) {
        precondition(other.stride == stride, "Rows scored with the same model")
        elements.append(contentsOf: other.elements[(row * stride)..<((row + 1) * stride)])
    }

    func copyUtilities(_ row: Int, into target: inout [Double], at start: Int) {
        let base = row * stride
        target.replaceSubrange(start..<(start + factorCount), with: elements[base..<(base + factorCount)])
    }

    func completeness(_ row: Int) -> Double { elements[row * stride + factorCount] }

    func isPresent(_ row: Int, _ factor: Int) -> Bool {
        let word = elements[row * stride + factorCount + 1 + factor / 64].bitPattern
        return word & (1 << UInt64(factor % 64)) != 0
    }
}
