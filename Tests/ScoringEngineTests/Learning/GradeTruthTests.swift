import Foundation
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// Grades that tell the truth (issue 13, item 3): the table printed for the training accounts
/// is the written model's, the cuts are never degenerate, and the win rates fall on new accounts.
@Suite("Learned grades tell the truth")
struct GradeTruthTests {
    static let learned: (history: LearningFixtures.History, model: LearnedModel) = {
        let history = LearningFixtures.history(count: 6_000, seed: 21)
        var options = ModelLearner.Options()
        options.candidates = .all
        return (history, try! ModelLearner(options: options).learn(history.data, baseModel: LearningFixtures.baseModel()))
    }()

    @Test("the model as written gives its training accounts exactly the printed grade table (scored through ScoringPipeline)")
    func trainingTableIsTheModels() throws {
        let (history, learned) = Self.learned
        let evaluation = try ModelLearner.evaluate(model: learned.model, on: history.data)
        #expect(evaluation.gradeWinRates == learned.trainingGradeWinRates)
        #expect(evaluation.scores.grades == learned.trainingScores.grades)
        #expect(learned.gradesOrdered)
        #expect(ModelFitFalls.falls(learned.trainingGradeWinRates))
    }

    @Test("the pipeline check grades a part of the accounts at a time as it grades them all at once")
    func pipelineGradesInParts() throws {
        let (history, learned) = Self.learned
        // No scale or fill of the whole list's statistics: the parts are really graded apart.
        #expect(!learned.model.factors.contains { $0.scale.isBatchRelative || $0.missing == .mean })
        let columnOf = learned.model.factors.map { factor in history.data.columns.firstIndex { $0.name == factor.column }! }
        let whole = try ModelLearner.pipelineGrades(
            model: learned.model, data: history.data, columnOf: columnOf, partSize: history.data.count)
        #expect(whole == learned.trainingScores.grades)
        #expect(Set(whole).count >= 4)
        for partSize in [1, 7, 1_000, history.data.count - 1] {
            let parts = try ModelLearner.pipelineGrades(
                model: learned.model, data: history.data, columnOf: columnOf, partSize: partSize)
            #expect(parts == whole, "part size \(partSize)")
        }
    }

    @Test("on fresh accounts from the same process, the written cuts order the win rates A > B > C > D")
    func heldOutFalls() throws {
        let (_, learned) = Self.learned
        let fresh = LearningFixtures.history(count: 20_000, seed: 22)
        let evaluation = try ModelLearner.evaluate(model: learned.model, on: fresh.data)
        #expect(ModelFitFalls.falls(evaluation.gradeWinRates), "\(evaluation.gradeWinRates)")
        // The cross-validated table (written cuts on out-of-fold scores) falls too.
        #expect(ModelFitFalls.falls(learned.gradeWinRates), "\(learned.gradeWinRates)")
    }

    /// Random score clouds of several shapes (continuous, tied to whole numbers, few distinct
    /// values, skewed) with outcomes more or less tied to them.
    static func randomScores(_ random: inout SeededRandom) -> (GradeScores, GradeScores, [Grade]) {
        let n = 200 + Int(random.next() % 1_300)
        let shape = Int(random.next() % 4)
        let strength = 0.2 * random.nextDouble()
        func score() -> Double {
            switch shape {
            case 0: return 100 * random.nextDouble()
            case 1: return (100 * random.nextDouble()).rounded()
            case 2: return Double(random.next() % 4) * 25
            default: return 100 * pow(random.nextDouble(), 4)
            }
        }
        func draw(_ count: Int) -> GradeScores {
            var value: [Double] = []
            var difficulty: [Double] = []
            var outcomes: [Double] = []
            for _ in 0..<count {
                let v = score()
                let d = score()
                let eta = strength * (v - 50) - strength * 0.5 * (d - 50) - 0.5
                value.append(v)
                difficulty.append(d)
                outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
            }
            return GradeScores(value: value, difficulty: difficulty, outcomes: outcomes)
        }
        let training = draw(n)
        let outOfFold = draw(n)
        let base = ModelFixtures.grading()
        let grades = (0..<n).map { base.grade(value: training.value[$0], difficulty: training.difficulty[$0], completeness: 1) }
        return (training, outOfFold, grades)
    }

    @Test("property, 20 random histories: no subnormal cut, no cut outside the score range, no empty grade when the cuts order the grades")
    func property() throws {
        var random = SeededRandom(seed: 2026)
        let base = ModelFixtures.grading()
        var ordered = 0
        for trial in 0..<20 {
            let (training, outOfFold, baseGrades) = Self.randomScores(&random)
            let choice = try ModelLearner.learnedGrading(
                base: base, training: training, outOfFold: outOfFold, baseGrades: baseGrades,
                baseValueBands: training.value.map { base.valueBands.index(of: $0) },
                baseDifficultyBands: training.difficulty.map { base.difficultyBands.index(of: $0) }, penalty: 0.5)
            let grading = choice.grading
            for (bands, scores) in [(grading.valueBands, training.value), (grading.difficultyBands, training.difficulty)] {
                let low = try #require(scores.min())
                let high = try #require(scores.max())
                for cut in bands.cuts {
                    #expect(cut.isNormal, "trial \(trial): cut \(cut)")
                    #expect(cut > low && cut <= high, "trial \(trial): cut \(cut) outside \(low)...\(high)")
                    // Hundredths (or a half-hundredth step away from a score), readable in the file.
                    #expect(abs(cut * 1000 - (cut * 1000).rounded()) < 1e-6, "trial \(trial): cut \(cut)")
                }
            }
            let found = Set(
                training.value.indices.map {
                    grading.grade(value: training.value[$0], difficulty: training.difficulty[$0], completeness: 1)
                })
            if choice.ordered {
                ordered += 1
                for grade in [Grade.a, .b, .c, .d] { #expect(found.contains(grade), "trial \(trial): grade \(grade) empty") }
            } else {
                #expect(choice.notes.contains { $0.contains("do not order win rates") }, "trial \(trial)")
                // Whatever is empty is said.
                let empty = [Grade.a, .b, .c, .d].filter { !found.contains($0) }
                if !empty.isEmpty { #expect(choice.notes.contains { $0.contains("hold") && $0.contains("no training account") }) }
            }
        }
        #expect(ordered >= 6, "only \(ordered) of 20 random histories got ordered cuts")
    }

    @Test("a difficulty score that is the same for everyone gives no subnormal or edge cuts, and the notes say so")
    func constantDifficulty() throws {
        var random = SeededRandom(seed: 5)
        let n = 1_000
        let value = (0..<n).map { _ in 100 * random.nextDouble() }
        let difficulty = [Double](repeating: 0, count: n)
        let outcomes = value.map { random.nextDouble() < $0 / 100 ? 1.0 : 0.0 }
        let base = ModelFixtures.grading()
        let training = GradeScores(value: value, difficulty: difficulty, outcomes: outcomes)
        let choice = try ModelLearner.learnedGrading(
            base: base, training: training, outOfFold: nil,
            baseGrades: (0..<n).map { base.grade(value: value[$0], difficulty: 0, completeness: 1) },
            baseValueBands: value.map { base.valueBands.index(of: $0) }, baseDifficultyBands: [Int](repeating: 0, count: n),
            penalty: 0)
        for cut in choice.grading.difficultyBands.cuts + choice.grading.valueBands.cuts {
            #expect(cut == 0 || cut.isNormal, "cut \(cut)")
            #expect((0...100).contains(cut))
        }
        #expect(!choice.grading.difficultyBands.cuts.contains(5e-324))
        #expect(!choice.ordered)
        #expect(choice.notes.contains { $0.contains("nearly the same difficulty score") }, "\(choice.notes)")
        #expect(choice.notes.contains { $0.contains("no training account") }, "\(choice.notes)")
    }

    @Test("repaired cuts: rounded to hundredths, inside the scores' range, apart, clear of every score")
    func repairedCuts() throws {
        let scores = (0..<100).map { Double($0) / 2 + 10 }  // 10 ... 59.5 in halves
        #expect(ModelLearner.repairedCuts([5e-324, 5e-324.nextUp], scores: scores) == [10.01, 10.02])
        #expect(ModelLearner.repairedCuts([100, 100], scores: scores) == [59.49, 59.495])
        // A cut that is a score moves half a hundredth.
        #expect(ModelLearner.repairedCuts([20], scores: scores) == [20.005])
        #expect(ModelLearner.repairedCuts([30, 40], scores: [Double](repeating: 7, count: 50)) == nil)
    }
}

/// Whether non-empty grades' win rates fall strictly from A to D.
enum ModelFitFalls {
    static func falls(_ rates: [GradeWinRate]) -> Bool {
        let graded = rates.filter { $0.grade != .insufficient && $0.count > 0 }.sorted { $0.grade < $1.grade }
        return graded.count >= 2 && zip(graded, graded.dropFirst()).allSatisfy { ($0.winRate ?? 0) > ($1.winRate ?? 0) }
    }
}
