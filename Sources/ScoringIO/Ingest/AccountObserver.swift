import ScoringEngine

/// Sees every graded account of a streamed ranking once, as the stream merges it: its grade
/// under the ranked scenario, its value and difficulty scores and its deal value. What a
/// report needs of the whole list (counts and sums per grade, a density of the scores) is
/// gathered this way in the ranking's one pass, without keeping the accounts.
///
/// Called on the merging thread with the accounts of each merged chunk (``ObservedAccounts``,
/// one call per chunk rather than per account), in file order except for rows that waited
/// for the file's mean utilities (graded at the end of the file): a sum must not depend on
/// the order. The scores are those the in-memory pipeline gives the same account, to the
/// last bit.
public protocol AccountObserver {
    mutating func observe(_ accounts: ObservedAccounts)
}

/// Graded accounts (a merged chunk's), as an ``AccountObserver`` sees them: one array of
/// small records, so that the merger appends each account once.
public struct ObservedAccounts: Sendable {
    /// One graded account.
    public struct Account: Sendable {
        /// ``Grade/order`` under the ranked scenario.
        public let grade: UInt8
        public let value: Double
        public let difficulty: Double
        /// The deal value, NaN where missing.
        public let dealValue: Double
        /// The line the account's record starts on.
        public let line: Int
    }

    public private(set) var accounts: [Account] = []

    public init() {}

    public var count: Int { accounts.count }

    public mutating func append(grade: Grade, value: Double, difficulty: Double, dealValue: Double?, line: Int) {
        append(gradeOrder: UInt8(grade.order), value: value, difficulty: difficulty, dealValue: dealValue ?? .nan, line: line)
    }

    mutating func append(gradeOrder: UInt8, value: Double, difficulty: Double, dealValue: Double, line: Int) {
        accounts.append(Account(grade: gradeOrder, value: value, difficulty: difficulty, dealValue: dealValue, line: line))
    }

    mutating func removeAll() { accounts.removeAll(keepingCapacity: true) }
}

/// Sees a streamed file's bytes once, in file order, as the stream reads them (the file's
/// own bytes, before any conversion): what needs every byte of the list, such as its content
/// hash, is computed from the ranking's one reading instead of reading the file again.
///
/// Called on the thread that reads the file, with each block (a few MiB), by the first pass
/// that reads the file; the blocks together are the whole file.
public protocol ContentObserver {
    mutating func observe(bytes: [UInt8])
}
