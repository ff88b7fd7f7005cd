import Foundation
import ScoringEngine

/// A run's accounts stored column by column, ``AccountBlock/capacity`` accounts per row of
/// the table `account_block` (schema step 4).
///
/// One SQLite row per account cost SQLite about 1.8 s of processor time per million accounts
/// (fourteen values bound and a B-tree entry each); a block of 4,096 accounts is one row of
/// a dozen blobs, so recording a run writes its bytes about once, and comparing two runs reads
/// and decodes a few hundred rows.
///
/// Layout of a block's columns (all numbers little-endian, ``count`` accounts, in the byte
/// order of their ids' UTF-8 — SQLite's order of text; the blocks of a run are in that order
/// too, keyed by their first id):
/// - `accounts`, `names`, `segments`, `missing`: per account, the text's UTF-8 length as an
///   unsigned LEB128 number, then the bytes (segments and missing factors joined by U+001F);
/// - `ranks`: int64 per account; `grades`: one byte per account (``Grade/order``);
/// - `scores`: float64, all values, then all difficulties, all priorities, all completenesses;
/// - `probabilities`: float64 per account (NaN: none), NULL when no account has one;
/// - `utilities`: from schema step 5, factor by factor, codes into each factor's distinct
///   values (see ``compactUtilities(_:count:factorCount:table:)``); at step 4, float64, the
///   run's factors account by account;
/// - `stages`: one byte per account (0: none), NULL when no account has one.
struct AccountBlock: Sendable {
    /// Accounts per block.
    static let capacity = 4096

    private(set) var count = 0
    let factorCount: Int
    private(set) var accounts = TextColumn()
    private(set) var names = TextColumn()
    private(set) var segments = TextColumn()
    private(set) var missing = TextColumn()
    private(set) var ranks: [Int] = []
    private(set) var grades: [UInt8] = []
    private(set) var values: [Double] = []
    private(set) var difficulties: [Double] = []
    private(set) var priorities: [Double] = []
    private(set) var completenesses: [Double] = []
    /// NaN: none.
    private(set) var probabilities: [Double] = []
    private(set) var hasProbability = false
    private(set) var utilities: [Double] = []
    /// 0: none.
    private(set) var stages: [UInt8] = []
    private(set) var hasStage = false

    init(factorCount: Int) {
        self.factorCount = factorCount
    }

    /// Text values back to back with their offsets.
    struct TextColumn: Sendable {
        var bytes: [UInt8] = []
        /// `starts[i]..<starts[i + 1]` are value i's bytes.
        var starts: [Int] = [0]

        var count: Int { starts.count - 1 }

        mutating func removeAll() {
            bytes.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            starts.append(0)
        }

        mutating func append(_ text: some Collection<UInt8>) {
            bytes.append(contentsOf: text)
            starts.append(bytes.count)
        }

        func string(_ index: Int) -> String {
            String(decoding: bytes[starts[index]..<starts[index + 1]], as: UTF8.self)
        }

        func list(_ index: Int) -> [String] { HistoryStore.list(string(index)) }

        /// Compares value `index` with `other`'s value `otherIndex` in byte order: negative,
        /// zero or positive.
        func compare(_ index: Int, with other: TextColumn, _ otherIndex: Int) -> Int {
            var (a, b) = (starts[index], other.starts[otherIndex])
            let (end, otherEnd) = (starts[index + 1], other.starts[otherIndex + 1])
            while a < end && b < otherEnd {
                let (x, y) = (bytes[a], other.bytes[b])
                if x != y { return Int(x) - Int(y) }
                a += 1
                b += 1
            }
            return (end - starts[index]) - (otherEnd - other.starts[otherIndex])
        }

        /// Compares value `index` with `text`'s bytes.
        func compare(_ index: Int, with text: [UInt8]) -> Int {
            var other = TextColumn()
            other.append(text)
            return compare(index, with: other, 0)
        }

        /// Length-prefixed, as stored.
        var encoded: [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + count * 2)
            for index in 0..<count {
                var length = UInt64(starts[index + 1] - starts[index])
                repeat {
                    let low = UInt8(length & 0x7F)
                    length >>= 7
                    out.append(length == 0 ? low : low | 0x80)
                } while length != 0
                out.append(contentsOf: bytes[starts[index]..<starts[index + 1]])
            }
            return out
        }

        /// Reads `count` length-prefixed values.
        init(decoding data: [UInt8], count: Int) throws(BlockError) {
            starts.reserveCapacity(count + 1)
            bytes.reserveCapacity(max(data.count - count, 0))
            var offset = 0
            for _ in 0..<count {
                var length = 0
                var shift = 0
                while true {
                    guard offset < data.count, shift < 63 else { throw BlockError() }
                    let byte = data[offset]
                    offset += 1
                    length |= Int(byte & 0x7F) << shift
                    if byte & 0x80 == 0 { break }
                    shift += 7
                }
                guard length <= data.count - offset else { throw BlockError() }
                bytes.append(contentsOf: data[offset..<(offset + length)])
                offset += length
                starts.append(bytes.count)
            }
            guard offset == data.count else { throw BlockError() }
        }

        init() {}
    }

    /// One account as a block stores it (segments and missing factors as their ids joined by
    /// U+001F, in UTF-8).
    struct AccountFields {
        var account: String
        var name: String
        var rank: Int
        var grade: Grade
        var value: Double
        var difficulty: Double
        var priority: Double
        var completeness: Double
        var probability: Double?
        var segments: [UInt8]
        var missing: [UInt8]
        var utilities: ArraySlice<Double>
        var stage: Int?
    }

    /// A block whose bytes do not hold what its count says (a damaged history).
    struct BlockError: Error {}

    // MARK: Building

    /// Adds an account (ids must come in increasing byte order; the caller checks).
    mutating func append(_ fields: AccountFields) {
        precondition(fields.utilities.count == factorCount, "An account has one utility per factor of the run")
        accounts.append(fields.account.utf8)
        names.append(fields.name.utf8)
        segments.append(fields.segments)
        missing.append(fields.missing)
        ranks.append(fields.rank)
        grades.append(UInt8(fields.grade.order))
        values.append(fields.value)
        difficulties.append(fields.difficulty)
        priorities.append(fields.priority)
        completenesses.append(fields.completeness)
        probabilities.append(fields.probability ?? .nan)
        if fields.probability != nil { hasProbability = true }
        utilities.append(contentsOf: fields.utilities)
        let stage = fields.stage
        precondition(stage.map { (1...255).contains($0) } ?? true, "A development stage is 1...5")
        stages.append(stage.map { UInt8($0) } ?? 0)
        if stage != nil { hasStage = true }
        count += 1
    }

    /// The block's columns as they are stored (see the layout above): what a row of
    /// `account_block` binds.
    func sealed(compactUtilities: Bool, table: inout UtilityCodeTable) -> SealedBlock {
        SealedBlock(
            firstAccount: firstAccount, count: count, accounts: accounts.encoded, ranks: ranks, grades: grades,
            scores: values + difficulties + priorities + completenesses, probabilities: hasProbability ? probabilities : nil,
            names: names.encoded, segments: segments.encoded, missing: missing.encoded,
            utilities: compactUtilities
                ? Self.compactUtilities(utilities, count: count, factorCount: factorCount, table: &table)
                : [UInt8](HistoryStore.blob(utilities)),
            stages: hasStage ? stages : nil)
    }

    /// Empties the block for the next accounts, keeping its memory.
    mutating func removeAll() {
        count = 0
        accounts.removeAll()
        names.removeAll()
        segments.removeAll()
        missing.removeAll()
        ranks.removeAll(keepingCapacity: true)
        grades.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        difficulties.removeAll(keepingCapacity: true)
        priorities.removeAll(keepingCapacity: true)
        completenesses.removeAll(keepingCapacity: true)
        probabilities.removeAll(keepingCapacity: true)
        utilities.removeAll(keepingCapacity: true)
        stages.removeAll(keepingCapacity: true)
        hasProbability = false
        hasStage = false
    }

    /// The first account's id (the block's key).
    var firstAccount: String { accounts.string(0) }

    // MARK: Reading

    /// The columns a reader asks for: the scores alone (``basic``), or everything.
    enum Columns {
        /// accounts, ranks, grades, scores, probabilities.
        case basic
        /// And names, segments, missing, utilities, stages.
        case all
        /// accounts and stages only.
        case stages

        /// The SELECT list, in the order ``init(_:columns:factorCount:)`` reads.
        var sql: String {
            switch self {
            case .basic: return "count, accounts, ranks, grades, scores, probabilities"
            case .all:
                return "count, accounts, ranks, grades, scores, probabilities, names, segments, missing, utilities, stages"
            case .stages: return "count, accounts, stages"
            }
        }
    }

    /// Decodes the block on `scan`'s current row (selected with `columns.sql`).
    init(_ scan: RawScan, columns: Columns, factorCount: Int) throws(BlockError) {
        self.factorCount = factorCount
        let count = scan.int(0)
        guard count > 0 else { throw BlockError() }
        self.count = count
        accounts = try TextColumn(decoding: scan.byteArray(1), count: count)
        if columns == .stages {
            try readStages(scan, 2)
            return
        }
        guard let ranks = scan.integers(2, count: count) else { throw BlockError() }
        self.ranks = ranks
        grades = scan.byteArray(3)
        guard grades.count == count, grades.allSatisfy({ $0 < 5 }) else { throw BlockError() }
        guard let scores = scan.doubles(4, count: 4 * count) else { throw BlockError() }
        values = Array(scores[0..<count])
        difficulties = Array(scores[count..<(2 * count)])
        priorities = Array(scores[(2 * count)..<(3 * count)])
        completenesses = Array(scores[(3 * count)...])
        if scan.isNull(5) {
            probabilities = [Double](repeating: .nan, count: count)
        } else {
            guard let probabilities = scan.doubles(5, count: count) else { throw BlockError() }
            self.probabilities = probabilities
            hasProbability = true
        }
        guard columns == .all else { return }
        names = try TextColumn(decoding: scan.byteArray(6), count: count)
        segments = try TextColumn(decoding: scan.byteArray(7), count: count)
        missing = try TextColumn(decoding: scan.byteArray(8), count: count)
        // A step-4 column is exactly count × factors float64 (a compact one never is that long).
        if let utilities = scan.doubles(9, count: count * factorCount) {
            self.utilities = utilities
        } else {
            utilities = try Self.utilities(compact: scan.byteArray(9), count: count, factorCount: factorCount)
        }
        try readStages(scan, 10)
    }

    private mutating func readStages(_ scan: RawScan, _ column: Int32) throws(BlockError) {
        if scan.isNull(column) {
            stages = [UInt8](repeating: 0, count: count)
        } else {
            stages = scan.byteArray(column)
            guard stages.count == count else { throw BlockError() }
            hasStage = true
        }
    }

    // MARK: Accounts

    /// Grades by ``Grade/order``.
    private static let gradesByOrder: [Grade] = Grade.allCases.sorted { $0.order < $1.order }

    func grade(_ index: Int) -> Grade { Self.gradesByOrder[Int(grades[index])] }

    func probability(_ index: Int) -> Double? { probabilities[index].isNaN ? nil : probabilities[index] }

    func stage(_ index: Int) -> Int? { stages[index] == 0 ? nil : Int(stages[index]) }

    func utilities(_ index: Int) -> [Double] { Array(utilities[(index * factorCount)..<((index + 1) * factorCount)]) }

    func snapshot(_ index: Int) -> ScoreSnapshot {
        ScoreSnapshot(
            rank: ranks[index], grade: grade(index), value: values[index], difficulty: difficulties[index],
            priority: priorities[index], completeness: completenesses[index], probability: probability(index))
    }

    /// Account `index` whole (a block read with ``Columns/all``).
    func score(_ index: Int) -> AccountScore {
        AccountScore(
            account: accounts.string(index), name: names.string(index), rank: ranks[index], grade: grade(index),
            value: values[index], difficulty: difficulties[index], priority: priorities[index],
            completeness: completenesses[index], probability: probability(index), segments: segments.list(index),
            missing: missing.list(index), utilities: utilities(index), stage: stage(index))
    }

    /// Compares account `index`'s id with `other`'s account `otherIndex`, in byte order.
    func compareAccount(_ index: Int, with other: AccountBlock, _ otherIndex: Int) -> Int {
        accounts.compare(index, with: other.accounts, otherIndex)
    }

    /// The index of the account with id `account` (binary search: ids are in byte order).
    func index(of account: String) -> Int? {
        let key = Array(account.utf8)
        var (low, high) = (0, count)
        while low < high {
            let middle = (low + high) / 2
            let order = accounts.compare(middle, with: key)
            if order == 0 { return middle }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }
}

/// A block's columns in the form they are bound to a row of `account_block` (see
/// ``AccountBlock``): made where the block was filled, possibly off the recording thread, so
/// that the recording thread only binds and steps.
struct SealedBlock: Sendable {
    let firstAccount: String
    let count: Int
    let accounts: [UInt8]
    let ranks: [Int]
    let grades: [UInt8]
    /// Values, then difficulties, priorities and completenesses.
    let scores: [Double]
    /// `nil`: no account has one (stored as NULL).
    let probabilities: [Double]?
    let names: [UInt8]
    let segments: [UInt8]
    let missing: [UInt8]
    let utilities: [UInt8]
    /// `nil`: no account has one (stored as NULL).
    let stages: [UInt8]?
}
