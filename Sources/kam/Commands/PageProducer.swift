import Foundation
import ScoringEngine
import ScoringIO

/// Maps and assesses the pages of a streamed ranking on threads of their own, at most a few
/// pages ahead of the thread that consumes them: the recording thread, which inserts them
/// into the run history, or the writer of a whole ranking, which formats and writes them.
///
/// Pages are taken one after the other (``ShownPages/take(upTo:)`` reads the sorted runs in
/// rank order), then mapped and assessed side by side on ``workers`` threads, and handed to
/// the consumer in the order they were taken. Each page is assessed as the consumer would
/// have assessed it (same pipeline, scenario and statistics, the same page boundaries), so
/// the output is the same bytes as mapping and assessing on the consumer's thread. A worker
/// may also finish each page further (`finish`: a whole ranking's writer has its rows
/// formatted there), so that only writing is left to the consumer.
final class PageProducer<Output>: @unchecked Sendable {
    typealias Page = (assessment: BatchAssessment, ranks: [Int])
    /// The next page of at most the given number of rows, not yet mapped; `nil` after the last.
    typealias Pages = (Int) throws(DatasetError) -> PendingPage?
    private let condition = NSCondition()
    /// Pages done (or failed), by the order they were taken in.
    private var done: [Int: Result<Output, DatasetError>] = [:]
    /// The index the next page taken gets, and the next one the consumer gets.
    private var nextTaken = 0
    private var nextHanded = 0
    /// How many pages there are, once taking has ended (after the last page, or at a failure).
    private var pageCount: Int?
    /// Whether a worker is taking a page (pages are taken one at a time, in order).
    private var taking = false
    private var stopped = false
    /// Pages taken but not yet handed to the consumer, at most: one per worker, so that with
    /// the page the consumer holds no more pages are in memory than workers + 1.
    private let ahead: Int
    private let pages: Pages
    private let pipeline: ScoringPipeline
    private let scenario: Int
    private let statistics: UtilityBuilder.Statistics
    private let pageRows: Int
    /// Finishes the page of the given index (0 for the first page).
    private let finish: (Page, Int) -> Output

    /// Starts the worker threads (two, or one on a machine with one processor); `pages` is
    /// called by one of them at a time, `finish` by each on the pages it assessed.
    init(
        pipeline: ScoringPipeline, scenario: Int, statistics: UtilityBuilder.Statistics, pageRows: Int,
        workers: Int = min(2, ProcessInfo.processInfo.activeProcessorCount), finish: @escaping (Page, Int) -> Output,
        pages: @escaping Pages
    ) {
        self.pages = pages
        self.finish = finish
        self.pipeline = pipeline
        self.scenario = scenario
        self.statistics = statistics
        self.pageRows = pageRows
        ahead = max(1, workers)
        for _ in 0..<ahead {
            let thread = Thread { [self] in work() }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func work() {
        while true {
            // Take the next page, in order, when fewer than `ahead` are taken and not handed over.
            condition.lock()
            while !stopped && pageCount == nil && (taking || nextTaken - nextHanded >= ahead) { condition.wait() }
            guard !stopped && pageCount == nil else {
                condition.unlock()
                return
            }
            taking = true
            let index = nextTaken
            condition.unlock()
            let taken: Result<PendingPage?, DatasetError>
            do throws(DatasetError) { taken = .success(try pages(pageRows)) } catch { taken = .failure(error) }
            condition.lock()
            taking = false
            switch taken {
            case .success(.some): nextTaken = index + 1
            case .success(.none): pageCount = index
            case .failure(let error):
                done[index] = .failure(error)
                pageCount = index + 1
            }
            condition.broadcast()
            condition.unlock()
            guard case .success(let pending?) = taken else { return }
            // Map, assess and finish it while another worker takes the next.
            let result: Result<Output, DatasetError>
            do throws(DatasetError) {
                result = .success(finish(try pending.assessed(by: pipeline, scenario: scenario, statistics: statistics), index))
            } catch {
                result = .failure(error)
            }
            condition.lock()
            done[index] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next page, or `nil` after the last.
    func next() throws(DatasetError) -> Output? {
        condition.lock()
        defer { condition.unlock() }
        while done[nextHanded] == nil && !(pageCount.map { nextHanded >= $0 } ?? false) { condition.wait() }
        guard let result = done.removeValue(forKey: nextHanded) else { return nil }
        nextHanded += 1
        condition.broadcast()
        if case .failure = result { stopped = true }
        return try result.get()
    }

    /// Lets the threads end (after the pages they are working on).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
