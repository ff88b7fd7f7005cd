import Foundation
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// The learner's step count, which drives `kam model fit`'s progress line (issue 20): steps
/// rise one call at a time from the learner's threads, end at the announced total, and do not
/// change what is learned.
@Suite("Model learner: steps for the progress line")
struct LearningStepsTests {
    /// The (done, total) pairs of one run, recorded from any thread.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var calls: [(done: Int, total: Int)] = []
        func record(_ done: Int, _ total: Int) {
            lock.lock()
            calls.append((done, total))
            lock.unlock()
        }
        var all: [(done: Int, total: Int)] {
            lock.lock()
            defer { lock.unlock() }
            return calls
        }
    }

    @Test("steps rise to the plan's total: one per fold and smoothing strength, per weight-path fold, per refit")
    func stepsReachTheTotal() throws {
        let (data, model) = ModelComparisonTests.linearHistory(count: 1_500, seed: 9)
        let learner = try ModelLearner()
        let recorder = Recorder()
        let learned = try learner.learn(data, baseModel: model) { recorder.record($0, $1) }
        let calls = recorder.all
        let plan = learner.stepPlan(accounts: data.count, folds: learned.folds)
        // 5 folds × 8 strengths + the final curve fit; 2 paths × 5 folds; 5 refits.
        #expect(plan.curves == 5 * 8 + 1 && plan.weightPaths == 10 && plan.foldRefits == 5)
        #expect(calls.allSatisfy { $0.total == plan.total })
        #expect(calls.last?.done == plan.total)
        // Never backwards, never above the total, one call per step finished (or batch of steps).
        #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.done <= $1.done })
        #expect(calls.allSatisfy { (1...plan.total).contains($0.done) })
        #expect(calls.count >= plan.curves + plan.weightPaths + plan.foldRefits)
        // The count changes nothing the learner computes, beyond the last-bit differences two
        // runs of the threaded learner show anyway (seen: below 1e-15 in the weights); 1e-9 is far above those.
        let quiet = try learner.learn(data, baseModel: model)
        let priorityDifference = zip(quiet.trainingScores.priority, learned.trainingScores.priority).map { abs($0 - $1) }.max() ?? 0
        #expect(priorityDifference < 1e-9)
        let weightDifference = zip(quiet.model.factors, learned.model.factors).map { abs($0.weight - $1.weight) }.max() ?? 0
        #expect(weightDifference < 1e-12)
    }

    @Test("without curves or interactions the plan has no curve steps and still ends at its total")
    func withoutCurves() throws {
        let (data, model) = ModelComparisonTests.linearHistory(count: 600, seed: 4)
        var options = ModelLearner.Options()
        options.maximumCurveBins = 0
        options.folds = 3
        let learner = try ModelLearner(options: options)
        let recorder = Recorder()
        let learned = try learner.learn(data, baseModel: model) { recorder.record($0, $1) }
        let plan = learner.stepPlan(accounts: data.count, folds: learned.folds)
        #expect(plan.curves == 0 && plan.interactions == 0 && plan.foldRefits == 3)
        #expect(recorder.all.last.map { $0.done == $0.total && $0.total == plan.total } == true)
    }

    @Test("a LearningSteps counter shared by threads counts every step once")
    func counterIsThreadSafe() {
        let recorder = Recorder()
        let steps = LearningSteps(total: 1_000) { recorder.record($0, $1) }
        DispatchQueue.concurrentPerform(iterations: 1_000) { _ in steps.advance() }
        let calls = recorder.all
        #expect(calls.count == 1_000)
        #expect(calls.map(\.done) == Array(1...1_000))
    }
}
