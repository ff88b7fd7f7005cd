/// How the team's hours and expense budget are spread across accounts.
public enum AllocationPolicy: String, Sendable, CaseIterable {
    /// The seed's rule (DOMAIN.md): A all in, B limited, C maintain, D pause. Each manager's
    /// hours are split by the team file's grade shares, equally among the manager's accounts
    /// of each grade.
    case grade
    /// Each manager's hours split in proportion to expected revenue (deal value × P(won)).
    case proportional
    /// The optimizer: maximizes expected won revenue (or profit) under every capacity
    /// (``DualAllocator``).
    case optimal
}
