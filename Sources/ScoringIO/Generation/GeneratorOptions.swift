/// What `ProspectListGenerator` writes: how many rows, from which seed, how many blank
/// cells and deliberately bad rows, and which line ending.
///
/// The same options always give the same bytes. Rows do not depend on `rows`: a longer
/// list with the same seed starts with the shorter one's rows (bad rows aside, whose
/// positions depend on `rows` and `badRows`).
public struct GeneratorOptions: Sendable, Equatable {
    /// The number of prospect rows after the header, at least 0.
    public var rows: Int
    /// The seed of the `SeededRandom` that draws every value.
    public var seed: UInt64
    /// The fraction (0...1) of optional cells written as missing: every column but
    /// `account_id`, `name` and `parent_group`. A missing cell is one of the codes in
    /// `ProspectListGenerator.missingCodes`.
    public var blankRate: Double
    /// How many deliberately bad rows to place, 0...`rows`; see
    /// `ProspectListGenerator.BadRow`.
    public var badRows: Int
    /// The line ending after the header and after every row.
    public var lineEnding: LineEnding

    /// The line ending of a generated file.
    public enum LineEnding: String, Sendable, CaseIterable {
        /// `\n`, as Unix tools write.
        case lf
        /// `\r\n`, as Excel on Windows writes.
        case crlf

        var bytes: [UInt8] {
            switch self {
            case .lf: return [0x0A]
            case .crlf: return [0x0D, 0x0A]
            }
        }
    }

    /// Creates options, checking each one.
    ///
    /// - Parameters:
    ///   - rows: The number of prospect rows, at least 0.
    ///   - seed: The random seed.
    ///   - blankRate: The fraction of optional cells left missing, 0...1.
    ///   - badRows: The number of deliberately bad rows, 0...`rows`.
    ///   - lineEnding: `.lf` (the default) or `.crlf`.
    /// - Throws: `GenerationError` naming the first option out of range.
    public init(
        rows: Int,
        seed: UInt64 = 42,
        blankRate: Double = 0.03,
        badRows: Int = 0,
        lineEnding: LineEnding = .lf
    ) throws(GenerationError) {
        guard rows >= 0 else { throw .rowCount(rows) }
        guard blankRate >= 0 && blankRate <= 1 else { throw .blankRate(blankRate) }
        guard badRows >= 0 && badRows <= rows else { throw .badRowCount(badRows, rows: rows) }
        self.rows = rows
        self.seed = seed
        self.blankRate = blankRate
        self.badRows = badRows
        self.lineEnding = lineEnding
    }
}
