/// The accounts of one prospect list, as the engine scores them: who they are, each
/// factor's raw values (column by column) and the columns segment rules read.
///
/// Made by ScoringIO from a file, or directly in tests.
public struct ProspectBatch: Sendable {
    public var accounts: [Account]
    /// One column per model factor, in model order, each with one entry per account.
    public var factorColumns: [FactorColumn]
    public var segmentData: SegmentData

    public init(accounts: [Account], factorColumns: [FactorColumn], segmentData: SegmentData = SegmentData()) {
        precondition(
            factorColumns.allSatisfy { $0.count == accounts.count },
            "Every factor column needs one entry per account")
        self.accounts = accounts
        self.factorColumns = factorColumns
        self.segmentData = segmentData
    }

    public var count: Int { accounts.count }
}

/// Who an account is: identity and descriptive columns, and where it came from.
public struct Account: Sendable, Equatable {
    public var id: String
    public var name: String
    public var industry: String
    public var region: String
    public var manager: String
    /// The development stage 1...5 (DOMAIN.md), when the list has one.
    public var stage: Int?
    /// Deal value in the list's money unit, when the list has one.
    public var dealValue: Double?
    /// The 1-based line of the file the account was read from (0 when not from a file).
    public var line: Int

    public init(
        id: String, name: String = "", industry: String = "", region: String = "", manager: String = "",
        stage: Int? = nil, dealValue: Double? = nil, line: Int = 0
    ) {
        self.id = id
        self.name = name
        self.industry = industry
        self.region = region
        self.manager = manager
        self.stage = stage
        self.dealValue = dealValue
        self.line = line
    }
}

/// One factor's raw values for every account.
public enum FactorColumn: Sendable, Equatable {
    /// Numbers in the column's unit; `Double.nan` marks a missing value.
    case numeric([Double])
    /// Indices into the factor's categorical map; `-1` marks a missing value.
    case categorical([Int32])

    public var count: Int {
        switch self {
        case .numeric(let values): return values.count
        case .categorical(let codes): return codes.count
        }
    }

    /// The raw value of a row as a number: the value, or the category code as a `Double`;
    /// NaN when missing (the form of a streaming panel's entries).
    public func rawValue(_ row: Int) -> Double {
        switch self {
        case .numeric(let values): return values[row]
        case .categorical(let codes): return codes[row] < 0 ? .nan : Double(codes[row])
        }
    }

    public func isMissing(_ row: Int) -> Bool {
        switch self {
        case .numeric(let values): return values[row].isNaN
        case .categorical(let codes): return codes[row] < 0
        }
    }
}
