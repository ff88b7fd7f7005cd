import Foundation
import ScoringEngine
import ScoringIO

/// Maps and assesses the pages of a streamed ranking on a thread of its own, at most two
/// pages ahead of the thread that consumes them: the recording thread, which inserts them
/// into the run history, or the writer of a whole ranking, which formats and writes them
/// while the next page is read back from the sorted runs, mapped and assessed.
///
/// The pages come out in the order `pages` gives them, each assessed as the consumer would
/// have assessed it (same pipeline, scenario and statistics), so the output is the same
/// bytes as mapping and assessing on the consumer's thread.
final class PageProducer: @unchecked Sendable {
    typealias Page = (assessment: BatchAssessment, ranks: [Int])
    /// The next page of at most the given number of rows, with their ranks; `nil` after the last.
    typealias Pages = (Int) throws(DatasetError) -> (batch: ProspectBatch, ranks: [Int])?
    private let condition = NSCondition()
    private var ready: [Result<Page, CLIError>] = []
    private var finished = false
    private var stopped = false
    private static let ahead = 2
    private let pages: Pages
    private let pipeline: ScoringPipeline
    private let scenario: Int
    private let statistics: UtilityBuilder.Statistics
    private let pageRows: Int

    /// Starts the thread; `pages` is called only on it.
    init(pipeline: ScoringPipeline, scenario: Int, statistics: UtilityBuilder.Statistics, pageRows: Int, pages: @escaping Pages) {
        self.pages = pages
        self.pipeline = pipeline
        self.scenario = scenario
        self.statistics = statistics
        self.pageRows = pageRows
        let thread = Thread { [self] in produce() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func produce() {
        while true {
            condition.lock()
            while ready.count >= Self.ahead && !stopped { condition.wait() }
            let stop = stopped
            condition.unlock()
            if stop { break }
            let result: Result<Page, CLIError>?
            do {
                result = try pages(pageRows).map { page in
                    .success((pipeline.assess(page.batch, scenario: scenario, statistics: statistics), page.ranks))
                }
            } catch {
                if case .unreadable = error {
                    result = .failure(.inputMissing(error.description))
                } else {
                    result = .failure(.badData(error.description))
                }
            }
            condition.lock()
            if let result { ready.append(result) } else { finished = true }
            condition.broadcast()
            condition.unlock()
            if result == nil { break }
            if case .failure? = result { break }
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next page, or `nil` after the last.
    func next() throws(CLIError) -> Page? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        guard !ready.isEmpty else { return nil }
        let result = ready.removeFirst()
        condition.broadcast()
        return try result.get()
    }

    /// Lets the thread end (after the page it is working on).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
