/// The outcomes behind a learned piece of a scale: how many accounts with a known outcome
/// fell in a bin, a category or the missing group, and how many of them were won.
///
/// Written beside learned utilities in model files so that a reader can judge each number;
/// scoring never uses it.
public struct Evidence: Sendable, Equatable, Codable {
    /// Accounts with a known outcome (won or lost).
    public let count: Int
    /// Accounts won, `0...count`.
    public let won: Int

    public init(count: Int, won: Int) {
        self.count = count
        self.won = won
    }

    /// `won / count`, or `nil` when the group is empty.
    public var winRate: Double? {
        count > 0 ? Double(won) / Double(count) : nil
    }
}
