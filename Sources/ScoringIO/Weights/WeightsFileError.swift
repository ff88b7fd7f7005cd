/// A judgement file, history file or model write-back that cannot be used, with where and
/// what to fix.
///
/// The description reads `FILE, line N, column C: MESSAGE` (line and column 1-based; the
/// column is left out when it is unknown, the line when the problem concerns the whole file).
public struct WeightsFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int?
    public let message: String
    /// Whether the file could not be read at all (the CLI exits 66 instead of 65).
    public let isUnreadable: Bool

    public init(file: String, line: Int = 0, column: Int? = nil, message: String, isUnreadable: Bool = false) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.isUnreadable = isUnreadable
    }

    public var description: String {
        var place = file
        if line > 0 { place += ", line \(line)" }
        if line > 0, let column { place += ", column \(column)" }
        return "\(place): \(message)"
    }
}
