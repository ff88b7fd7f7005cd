import Foundation
import ScoringEngine

/// Writes a deterministic, realistic prospect list (CSV, UTF-8) for tests, examples and
/// benchmarks.
///
/// Every value is drawn from `SeededRandom`, so the same `GeneratorOptions` give the same
/// bytes on every platform. Factors are correlated the way a key-account team would see
/// them: a large annual ad budget drives deal value and development cost, makes the
/// account more often strategic and more contested by incumbents; stage drives inside
/// contact and support; credit rating drives payment delay and payment record.
///
/// The list streams through a buffer of about 1 MiB, so ten million rows take no more
/// memory than ten:
///
/// ```swift
/// let options = try GeneratorOptions(rows: 10_000_000, seed: 7)
/// try ProspectListGenerator(options: options).write(toFile: "big.csv")
/// ```
///
/// Rows are drawn in blocks of `rowsPerBlock`; block `b` draws its values from
/// `SeededRandom(seed: seed).split(stream: b)` and its blank cells from that stream's
/// `longJumped()`. So a row's values do not depend on the row count, the blank rate or
/// the bad rows, and blocks could be drawn in parallel without changing a byte.
///
/// The columns, their units and ranges are listed at `columns`.
public struct ProspectListGenerator: ChunkedGenerator, Sendable {
    /// The header of every generated list, in column order.
    ///
    /// | column | unit, format | range |
    /// |---|---|---|
    /// | `account_id` | `K-` and the row number, zero-padded to at least 6 digits | `K-000001`... ; never missing |
    /// | `name` | Chinese company name: city + brand + industry word + 集团/股份有限公司/有限公司 | never missing |
    /// | `industry` | category | automotive, finance, ecommerce, education, healthcare, real_estate, travel, gaming, fmcg, manufacturing, telecom, software |
    /// | `region` | category | 华东, 华南, 华北, 华中, 西南, 西北, 东北 |
    /// | `manager` | key-account manager | 王经理, 李经理, 张经理 |
    /// | `stage` | pipeline stage, integer | 1...5, most in 1 and 2 |
    /// | `annual_ad_budget` | 万元, integer; `"1,800"` (quoted, thousands separator) or `1800万` | 50...20,000 |
    /// | `expected_share` | percent, `35%` | 5%...80%, multiples of 5 |
    /// | `strategic_importance` | integer score | 1...5 |
    /// | `service_fit` | integer score | 1...5 |
    /// | `expected_margin` | percent, `18.5%` or `18%` | 3%...45%, multiples of 0.5 |
    /// | `development_cost` | 万元, one decimal | 1.0...200.0 |
    /// | `deal_risk` | integer score | 1...5 |
    /// | `incumbent_strength` | integer score | 1...5 |
    /// | `credit_rating` | category | AAA, AA, A, BBB, BB, B, CCC, CC, C |
    /// | `payment_delay_days` | days, integer | 0...180 |
    /// | `tech_difficulty` | integer score | 1...5 |
    /// | `decision_cycle_months` | months, integer | 1...24 |
    /// | `inside_contact` | yes/no | yes, no |
    /// | `support_balance` | integer, supporters minus opponents | -2...2 |
    /// | `deal_value` | 万元, integer; about budget × share | 1...20,000, at most the budget |
    /// | `cumulative_consumption` | 万元, integer; 0 when never a customer | 0...30,000 |
    /// | `largest_contract` | 万元, integer | 0...`cumulative_consumption` |
    /// | `payment_record` | category | good, fair, poor |
    /// | `referrals_signed` | integer, customers referred who signed | 0...3, mostly 0 |
    /// | `parent_group` | group name, blank when the account has none | blank for about 88% |
    /// | `industry_benchmark` | yes/no, exemplary in its industry | yes, no; mostly no |
    ///
    /// Any cell but `account_id`, `name` and `parent_group` may be missing (see
    /// `missingCodes` and `GeneratorOptions.blankRate`).
    public static let columns: [String] = [
        "account_id", "name", "industry", "region", "manager", "stage",
        "annual_ad_budget", "expected_share", "strategic_importance", "service_fit",
        "expected_margin", "development_cost", "deal_risk", "incumbent_strength",
        "credit_rating", "payment_delay_days", "tech_difficulty", "decision_cycle_months",
        "inside_contact", "support_balance", "deal_value", "cumulative_consumption",
        "largest_contract", "payment_record", "referrals_signed", "parent_group",
        "industry_benchmark",
    ]

    /// The ways a missing cell is written: empty, or one of the codes that real exports use.
    public static let missingCodes: [String] = ["", "unknown", "NA", "-", "未知"]

    /// The number of rows drawn from one random stream; see the type's discussion.
    public static let rowsPerBlock = 4096

    /// The size at which the output buffer is handed to the sink: 1 MiB.
    public static let chunkSize = 1 << 20

    /// The options this generator writes with.
    public let options: GeneratorOptions

    /// Creates a generator for the given options.
    public init(options: GeneratorOptions) {
        self.options = options
    }

    /// Writes the list, header first, handing the bytes to `sink` in chunks of about
    /// `chunkSize` bytes (the last may be smaller).
    ///
    /// The chunk passed to `sink` is reused after it returns; copy it to keep it.
    ///
    /// - Parameter sink: Receives each chunk in order.
    /// - Throws: Whatever `sink` throws; writing stops at the first error.
    /// - Complexity: O(`rows`) time, O(`chunkSize`) memory.
    public func write<Failure: Error>(
        chunksTo sink: ([UInt8]) throws(Failure) -> Void
    ) throws(Failure) {
        let rowWriter = ProspectRowWriter(options: options)
        try GeneratedRows.write(header: Self.columns, options: options, plan: badRows, chunksTo: sink) {
            row, badRow, streams, buffer in
            rowWriter.appendRow(
                row, badRow: badRow, values: &streams.values, blanks: &streams.blanks, to: &buffer)
        }
    }
}
