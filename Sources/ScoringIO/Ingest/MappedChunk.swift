import Dispatch
import ScoringEngine

/// One chunk of a prospect list as a worker mapped it: the rows that passed every per-row
/// check (candidates, with their grade and ranking key or, when a `mean` factor is missing,
/// their partial scores), the rows that did not (rejects), and how the chunk ended.
///
/// Written by one worker thread, then read by the merging thread after the worker signals
/// completion (a semaphore orders the two), hence `@unchecked Sendable`.
final class MappedChunk: @unchecked Sendable {
    /// How a chunk stopped early.
    enum Failure: Equatable {
        /// The bytes at this offset are not valid UTF-8.
        case invalidUTF8(offset: Int)
        /// The original (GB18030) bytes at this offset of the block do not convert.
        case undecodable(originalOffset: Int)
        /// The chunk ends inside a quoted field that opened at `opening` (on relative line
        /// `line`) in the record starting at `recordStart` (on relative line `recordLine`).
        case openQuote(recordStart: Int, recordLine: Int, opening: Int, line: Int)
        /// A field on (relative, 0-based) line `line` is longer than ``ReadLimits/fieldBytes``.
        case fieldTooLong(line: Int)
    }

    /// The chunk's text as UTF-8 (converted from GB18030 when the file is).
    var bytes: [UInt8]
    /// The original bytes, kept only when their conversion failed (to count lines).
    var original: [UInt8] = []
    /// Where the first record starts in `bytes`.
    let start: Int
    /// The chunk's entry in the stream's block table (where its bytes are in the file).
    let block: Int

    /// Whether `bytes` are GB18030 that the worker converts first.
    let needsConversion: Bool
    /// Signalled when the worker is done.
    let done = DispatchSemaphore(value: 0)

    init(bytes: [UInt8], start: Int, block: Int, needsConversion: Bool) {
        self.bytes = bytes
        self.start = start
        self.block = block
        self.needsConversion = needsConversion
    }

    // MARK: Outcome

    var failure: Failure?
    /// Line breaks consumed, counted from 0 at `start` (up to the start of the record where
    /// the chunk stopped, if it stopped early).
    var lineCount = 0
    /// Records read (blank lines are not records), candidates and rejects.
    var recordsRead = 0

    /// The candidates and rejects (set once, when the worker is done).
    var rows = Rows()

    /// A chunk's mapped rows. A struct, so that the loops that fill and read it work on
    /// plain local arrays.
    struct Rows {
        /// The candidates, in file order.
        var candidates: [Candidate] = []
        /// Account ids (NFC UTF-8) back to back; candidate `i`'s id ends at `candidates[i].idEnd`.
        var idBytes: [UInt8] = []
        /// Per candidate: statistics inputs, ``statisticsStride`` values each, the utilities
        /// of `meanFactors` last (NaN when missing). A statistics pass holds the raw values of
        /// `rawFactors` first (``StreamPlan/statisticsWidth`` values a candidate), unless it
        /// keeps raw rows: then the raw values are ``raw`` and this is empty (`mean`
        /// utilities are not known in a statistics pass). A scoring pass holds only the
        /// `mean` utilities.
        var statistics: [Double] = []
        /// Values per candidate in ``statistics``.
        var statisticsStride = 0
        /// Where candidate `candidate`'s `mean` utilities start in ``statistics``, for
        /// `meanCount` of them; `nil` when they are not held.
        func meanUtilitiesStart(of candidate: Int, meanCount: Int) -> Int? {
            statisticsStride < meanCount || meanCount == 0 ? nil : candidate &* statisticsStride &+ statisticsStride &- meanCount
        }

        // Deferred candidates (a `mean` factor missing), in order.

        /// `2S` scores per deferred row, with mean-filled utilities at 0.
        var deferredScores: [Double] = []
        var deferredCompleteness: [Double] = []
        /// Missing `mean` factors of deferred row `d`:
        /// `deferredFactors[deferredFactorEnds[d - 1]..<deferredFactorEnds[d]]`.
        var deferredFactors: [Int32] = []
        var deferredFactorEnds: [Int32] = []

        /// Deferred row `d`: its missing `mean` factors, its `columns` scores and its completeness.
        func deferredRow(_ d: Int, columns: Int) -> (factors: ArraySlice<Int32>, scores: ArraySlice<Double>, completeness: Double) {
            let factorStart = d == 0 ? 0 : Int(deferredFactorEnds[d - 1])
            return (
                deferredFactors[factorStart..<Int(deferredFactorEnds[d])], deferredScores[(d * columns)..<((d + 1) * columns)],
                deferredCompleteness[d]
            )
        }

        /// Rows that failed a per-row check, in file order, with relative lines.
        var rejects: [Reject] = []

        // Kept by a statistics pass that keeps raw rows (``ChunkMapper/keepsRaw``).

        /// Per candidate, its raw factor values (`factorCount` each, NaN where missing).
        var raw: [Double] = []
        /// Per candidate, its completeness.
        var completeness: [Double] = []
        /// Per candidate, its outcome (``OutcomeWords/Kind`` raw values), when the pass
        /// reads one (``ChunkMapper/outcome``); the text of each `unknown` one, by candidate.
        var outcomes: [UInt8] = []
        var outcomeTexts: [Int: String] = [:]

        /// Per candidate, what a scoring pass computed of it, when it keeps that for a run
        /// history (``ChunkMapper/keepsScored``); `nil`: not kept.
        var scored: ScoredRows?

        var candidateCount: Int { candidates.count }
    }

    /// A row that passed every per-row check.
    struct Candidate {
        /// Relative line of the record.
        var line: Int32
        var recordStart: Int32
        var recordLength: Int32
        /// Where its id ends in ``Rows/idBytes``.
        var idEnd: Int32
        var idHash: UInt64
        /// Grade order (``Grade/order``) under the ranked scenario, or
        /// ``MappedChunk/deferredGrade`` when a `mean` factor is missing and the grade waits
        /// for the file's mean utilities.
        var grade: UInt8
        /// Ranking key under the ranked scenario (meaningless for deferred rows).
        var key: Double
        /// Value and difficulty scores under the ranked scenario (meaningless for deferred
        /// rows and in a statistics pass).
        var value = 0.0
        var difficulty = 0.0
        /// The deal value, NaN when the field is missing (or the model has no such column).
        var dealValue = Double.nan
    }

    static let deferredGrade: UInt8 = .max

    // MARK: Timings (seconds of one worker's time)

    var parseSeconds = 0.0
    var scoreSeconds = 0.0
}
