import Foundation
import ScoringTestSupport
import Testing

@Suite("kam init + kam model fit: a foreign list learned in two commands")
struct InitCommandTests {
    @Test("init drafts a model for a generated history (flagging its planted leak); model fit learns from it")
    func initThenFit() throws {
        let directory = try KamRunner.temporaryDirectory()
        let draft = directory + "/draft.yaml"
        let history = directory + "/history.csv"
        let generated = try KamRunner.run(["generate", "--rows", "3000", "--seed", "5", "--outcomes", "--output", history])
        #expect(generated.status == 0)
        let initOutcome = try KamRunner.run(["init", history, "--output", draft], in: directory)
        #expect(initOutcome.status == 0, "\(initOutcome.standardError)")
        #expect(initOutcome.standardError.contains("outcome 'outcome'"))
        let text = try String(contentsOfFile: draft, encoding: .utf8)
        #expect(text.contains("#   followup_status:"))  // the planted leak, left out
        #expect(text.contains("  id: \"account_id\""))
        #expect(text.contains("unit: wan"))
        let fit = try KamRunner.run(
            [
                "model", "fit", history, "--model", draft, "--output", directory + "/learned.yaml", "--quiet", "--format", "json",
                "--rejects", directory + "/r.csv",
            ],
            in: directory)
        #expect(fit.status == 0, "\(fit.standardError)")
        let rank = try KamRunner.run(
            [
                "rank", Paths.packageRoot + "/datasets/prospects.csv", "--model", directory + "/learned.yaml", "--top", "5",
                "--quiet", "--format", "csv", "--rejects", directory + "/r2.csv",
            ],
            in: directory)
        #expect(rank.status == 0, "\(rank.standardError)")
    }

    @Test("a missing file exits 66; an outcome column that is not there exits 65 and names the columns")
    func errors() throws {
        let missing = try KamRunner.run(["init", "no-such.csv"])
        #expect(missing.status == 66)
        let directory = try KamRunner.temporaryDirectory()
        let wrong = try KamRunner.run([
            "init", Paths.packageRoot + "/datasets/history.csv", "--outcome", "won", "--output", directory + "/d.yaml",
        ])
        #expect(wrong.status == 65)
        #expect(wrong.standardError.contains("there is no column 'won' for the outcome; the columns are account_id, name,"))
    }
}
