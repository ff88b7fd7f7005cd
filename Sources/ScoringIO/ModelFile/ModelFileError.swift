import ScoringEngine

/// A model file that cannot be used, with where and what to fix.
///
/// The description reads `FILE, line N: MESSAGE`, e.g.
/// `models/default.yaml, line 12: weight for 'share' is -0.2; weights must be finite numbers of at least 0.`
public struct ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    /// 1-based line of the offending key or value; 0 when the problem concerns the whole file.
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file), line \(line): \(message)" : "\(file): \(message)"
    }
}
