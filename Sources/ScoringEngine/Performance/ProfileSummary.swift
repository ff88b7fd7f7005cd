/// How complete the profiles (客户档案) of one person's accounts are, from a prospect list
/// scored with a model (seed §1.2.1 大客户档案完整率; §2.1 大客户信息档案: 信息全面).
///
/// Each account's completeness is `UtilityBuilder`'s: the weighted share of the model's
/// factors present, each side weighing one half, in 0...1.
public struct ProfileSummary: Sendable, Equatable {
    /// Accounts in the list that name this person as their manager.
    public var accounts: Int
    /// The sum of their completeness values (0...accounts).
    public var completenessSum: Double
    /// Accounts with every factor present (completeness 1, within 1e-9).
    public var complete: Int
    /// Accounts below the model's minimum completeness: not graded, sent back to
    /// information gathering (信息不足, §3.2.3 (五)(5)).
    public var insufficient: Int

    public init(accounts: Int = 0, completenessSum: Double = 0, complete: Int = 0, insufficient: Int = 0) {
        self.accounts = accounts
        self.completenessSum = completenessSum
        self.complete = complete
        self.insufficient = insufficient
    }

    /// Mean completeness in 0...1, or `nil` without accounts.
    public var meanCompleteness: Double? {
        accounts > 0 ? completenessSum / Double(accounts) : nil
    }

    /// Adds another summary's accounts (for a team).
    public mutating func add(_ other: ProfileSummary) {
        accounts += other.accounts
        completenessSum += other.completenessSum
        complete += other.complete
        insufficient += other.insufficient
    }

    /// Summarizes accounts by their `manager` (trimmed of spaces; a blank manager is "").
    ///
    /// - Parameters:
    ///   - accounts: The accounts of a prospect list.
    ///   - completeness: Each account's completeness in 0...1, in the same order.
    ///   - minimumCompleteness: The model's threshold for grading (0...1).
    ///   - missingCodes: Manager texts that mean "no manager" (the model's missing codes,
    ///     matched ignoring case); such accounts are summarized under "".
    /// - Returns: One summary per manager name.
    /// - Complexity: O(accounts).
    public static func byManager(
        accounts: [Account], completeness: [Double], minimumCompleteness: Double, missingCodes: [String] = []
    ) -> [String: ProfileSummary] {
        precondition(accounts.count == completeness.count, "One completeness value per account")
        let codes = Set(missingCodes.map { $0.lowercased() })
        var summaries: [String: ProfileSummary] = [:]
        for (account, value) in zip(accounts, completeness) {
            var key = PerformanceText.trimmed(account.manager)
            if codes.contains(key.lowercased()) { key = "" }
            var summary = summaries[key, default: ProfileSummary()]
            summary.accounts += 1
            summary.completenessSum += value
            if value >= 1 - 1e-9 { summary.complete += 1 }
            if value < minimumCompleteness { summary.insufficient += 1 }
            summaries[key] = summary
        }
        return summaries
    }
}
