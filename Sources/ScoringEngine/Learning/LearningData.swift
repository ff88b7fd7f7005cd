/// One candidate factor's raw data for learning: a column of the history file with one
/// entry per decided account (won or lost).
public struct LearningColumn: Sendable {
    /// The raw values of a column.
    public enum Values: Sendable {
        /// Numbers in the column's unit; `Double.nan` marks a missing value.
        case numeric([Double])
        /// Category labels as read (trimmed); `nil` marks a missing value.
        case categorical(CategoryLabels)
    }

    /// The column's name in the file.
    public let name: String
    public let values: Values
    /// The base model's factor that reads this column, if any. It gives the learned factor
    /// its id, label, side, direction and unit.
    public let factor: Factor?

    public init(name: String, values: Values, factor: Factor? = nil) {
        self.name = name
        self.values = values
        self.factor = factor
    }

    /// The number of accounts.
    public var count: Int {
        switch values {
        case .numeric(let values): return values.count
        case .categorical(let labels): return labels.count
        }
    }

    /// Whether the column holds category labels.
    public var isCategorical: Bool {
        if case .categorical = values { return true }
        return false
    }
}

/// The decided accounts of a history: candidate columns, the outcomes and (optionally) the
/// pipeline stage of every account, for ``ModelLearner``.
public struct LearningData: Sendable {
    public let columns: [LearningColumn]
    /// 1 won, 0 lost, one per account.
    public let outcomes: [Double]
    /// The development stage of each account (for the stage baseline), or `nil` without a
    /// stage column.
    public let stages: [Int?]?

    /// - Precondition: every column (and `stages`) has one entry per outcome.
    public init(columns: [LearningColumn], outcomes: [Double], stages: [Int?]? = nil) {
        precondition(
            columns.allSatisfy { $0.count == outcomes.count },
            "LearningData needs one value per outcome in every column")
        precondition(stages.map { $0.count == outcomes.count } ?? true, "LearningData needs one stage per outcome")
        self.columns = columns
        self.outcomes = outcomes
        self.stages = stages
    }

    /// The number of accounts.
    public var count: Int { outcomes.count }
}

/// A column of category labels, one per account, each distinct label stored once: an
/// account holds a code into ``labels`` (-1 when its value is missing). Read as a collection
/// of labels (`nil` for a missing value), as an array of labels would be; a million accounts
/// take 4 bytes each instead of 16 and a string each.
public struct CategoryLabels: Sendable, RandomAccessCollection, ExpressibleByArrayLiteral, Equatable {
    /// Per account, the index of its label in ``labels``, or -1 when it is missing.
    public let codes: [Int32]
    /// The distinct labels (equal strings once), in the order of their first account; after
    /// ``rows(_:)``, possibly labels that no account of the subset holds.
    public let labels: [String]

    /// - Precondition: every code is -1 or an index of `labels`.
    public init(codes: [Int32], labels: [String]) {
        precondition(codes.allSatisfy { $0 >= -1 && Int($0) < labels.count }, "Codes index the labels")
        self.codes = codes
        self.labels = labels
    }

    /// The labels of `values`, in that order (`nil`: missing).
    public init(_ values: some Sequence<String?>) {
        self.init(Array(values))
    }

    /// The labels of `values`, in that order (`nil`: missing).
    ///
    /// An array rather than any sequence, so that a caller in another module runs this
    /// loop compiled for it (a generic sequence from another module was iterated through
    /// its witnesses, with a metadata lookup per label: a quarter of loading a history of a
    /// million accounts).
    public init(_ values: [String?]) {
        var index: [String: Int32] = [:]
        var labels: [String] = []
        var codes: [Int32] = []
        codes.reserveCapacity(values.count)
        for (position, value) in values.enumerated() {
            if position == Self.distinctProbe && labels.count > Self.distinctProbe / 2 {
                // Mostly distinct labels (names, ids): room for all of them at once, rather
                // than growing the table (and hashing every label again) twenty times.
                index.reserveCapacity(values.count)
                labels.reserveCapacity(values.count)
            }
            guard let value else {
                codes.append(-1)
                continue
            }
            let (code, isNew) = index.code(for: value)
            if isNew { labels.append(value) }
            codes.append(code)
        }
        self.codes = codes
        self.labels = labels
    }

    /// After this many accounts, a column with more than half as many distinct labels gets
    /// room for one label per account.
    static let distinctProbe = 4096

    public init(arrayLiteral elements: String?...) {
        self.init(elements)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { codes.count }

    public subscript(position: Int) -> String? {
        let code = codes[position]
        return code < 0 ? nil : labels[Int(code)]
    }

    /// The labels of the accounts at `rows`, in that order (the codes copied, the distinct
    /// labels shared).
    public func rows(_ rows: [Int]) -> CategoryLabels {
        CategoryLabels(unchecked: rows.map { codes[$0] }, labels: labels)
    }

    /// For each account, `code(label)` of its label (or -1 when it is missing), the function
    /// called once per distinct label that some account holds, in the order of the accounts.
    public func mapCodes(_ code: (String) -> Int32) -> [Int32] {
        var mapped = [Int32](repeating: Self.unmapped, count: labels.count)
        return codes.map { label in
            guard label >= 0 else { return -1 }
            if mapped[Int(label)] == Self.unmapped { mapped[Int(label)] = code(labels[Int(label)]) }
            return mapped[Int(label)]
        }
    }

    private static let unmapped = Int32.min

    /// The same labels, account by account (however they are coded).
    public static func == (left: CategoryLabels, right: CategoryLabels) -> Bool {
        left.elementsEqual(right)
    }

    private init(unchecked codes: [Int32], labels: [String]) {
        self.codes = codes
        self.labels = labels
    }
}
