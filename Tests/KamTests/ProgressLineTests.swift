import Foundation
import ScoringTestSupport
import Testing

/// kam rank's progress line on standard error: rows done, rate and time left on a terminal
/// (script(1) gives it one), nothing with --quiet or into a pipe.
@Suite(
    "Progress on a terminal", .serialized,
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) for a terminal"))
struct ProgressLineTests {
    /// Runs a shell command line from the package root under script(1), which gives it a
    /// terminal; the outcome's standard output is what the terminal showed.
    static func onTerminal(_ command: String) throws -> KamRunner.Outcome {
        try KamRunner.runShell("script -qec \"$0\" /dev/null", arguments: [command], in: Paths.packageRoot)
    }

    @Test("a list of 150,000 rows shows rows done, rows/s and time left; --quiet and a pipe show none")
    func progressLine() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = directory + "/big.csv"
        let generated = try KamRunner.run(["generate", "--rows", "150000", "--seed", "5", "--output", list])
        #expect(generated.status == 0)
        let kam = KamRunner.executable.path
        func onTerminal(_ extra: String) throws -> KamRunner.Outcome {
            let command = "'\(kam)' rank '\(list)' --format csv --output '\(directory)/out.csv' --rejects '\(directory)/r.csv' \(extra)"
            return try KamRunner.runShell("script -qec \"$0\" /dev/null", arguments: [command], in: directory)
        }
        let shown = try onTerminal("")
        #expect(shown.status == 0)
        #expect(shown.standardOutput.contains("rows/s"), "\(shown.standardOutput.suffix(400))")
        #expect(shown.standardOutput.contains("s left") || shown.standardOutput.contains("kam: reading and scoring"))
        let quiet = try onTerminal("--quiet")
        #expect(!quiet.standardOutput.contains("rows/s"))
        let piped = try KamRunner.run([
            "rank", list, "--format", "csv", "--output", directory + "/o.csv", "--rejects", directory + "/r.csv",
        ])
        #expect(!piped.standardError.contains("rows/s"))
    }

    @Test("kam validate on 150,000 rows shows rows done, rows/s and time left; --quiet and a pipe show none")
    func validateProgressLine() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = directory + "/big.csv"
        #expect(try KamRunner.run(["generate", "--rows", "150000", "--seed", "6", "--output", list]).status == 0)
        let kam = KamRunner.executable.path
        func onTerminal(_ extra: String) throws -> KamRunner.Outcome {
            try KamRunner.runShell(
                "script -qec \"$0\" /dev/null", arguments: ["'\(kam)' validate '\(list)' \(extra)"], in: Paths.packageRoot)
        }
        let shown = try onTerminal("")
        #expect(shown.status == 0)
        #expect(shown.standardOutput.contains("kam: checking"), "\(shown.standardOutput.suffix(400))")
        #expect(shown.standardOutput.contains("rows/s"), "\(shown.standardOutput.suffix(400))")
        #expect(!(try onTerminal("--quiet")).standardOutput.contains("rows/s"))
        #expect(!(try KamRunner.run(["validate", list])).standardError.contains("rows/s"))
    }

    @Test("kam simulate with 2,000 runs shows runs done, runs/s and time left; --quiet and a pipe show none")
    func simulateProgressLine() throws {
        let directory = try KamRunner.temporaryDirectory()
        let kam = KamRunner.executable.path
        // 2,000 runs × 2 periods × 295 accounts: more than a million account-periods.
        let command = "'\(kam)' simulate datasets/prospects.csv --runs 2000 --periods 2 --policy grade --rejects '\(directory)/r.csv'"
        func onTerminal(_ extra: String) throws -> KamRunner.Outcome { try Self.onTerminal(command + " " + extra) }
        let shown = try onTerminal("")
        #expect(shown.status == 0)
        #expect(shown.standardOutput.contains("kam: simulating the grade policy: "), "\(shown.standardOutput.suffix(400))")
        #expect(shown.standardOutput.contains("runs/s"), "\(shown.standardOutput.suffix(400))")
        #expect(!(try onTerminal("--quiet")).standardOutput.contains("runs/s"))
        let piped = try KamRunner.run(
            [
                "simulate", "datasets/prospects.csv", "--runs", "2000", "--periods", "2", "--policy", "grade", "--rejects",
                directory + "/r.csv",
            ])
        #expect(piped.status == 0)
        #expect(!piped.standardError.contains("runs/s"))
    }

    @Test("kam sensitivity with 20,000 draws shows draws done, draws/s and time left; --quiet shows none")
    func sensitivityProgressLine() throws {
        let kam = KamRunner.executable.path
        // 20,000 draws × 295 accounts: far more than the 100,000 draw-accounts of the threshold.
        let command = "'\(kam)' sensitivity datasets/prospects.csv --samples 20000 --show 1"
        func onTerminal(_ extra: String) throws -> KamRunner.Outcome { try Self.onTerminal(command + " " + extra) }
        let shown = try onTerminal("")
        #expect(shown.status == 0)
        #expect(shown.standardOutput.contains("draws/s"), "\(shown.standardOutput.suffix(400))")
        #expect(!(try onTerminal("--quiet")).standardOutput.contains("draws/s"))
    }

    @Test("kam model fit on 2,000 accounts counts the learner's steps with steps/s and time left; --quiet and a pipe show none")
    func modelFitProgressLine() throws {
        let directory = try KamRunner.temporaryDirectory()
        let kam = KamRunner.executable.path
        let command = "'\(kam)' model fit datasets/history.csv --output '\(directory)/fit.yaml' --rejects '\(directory)/r.csv'"
        func onTerminal(_ extra: String) throws -> KamRunner.Outcome { try Self.onTerminal(command + " " + extra) }
        let shown = try onTerminal("")
        #expect(shown.status == 0, "\(shown.standardOutput.suffix(400))")
        let text = shown.standardOutput
        #expect(text.contains("kam: learning from 2000 accounts"), "\(text.suffix(400))")
        #expect(text.contains("steps/s"), "\(text.suffix(400))")
        // Redrawn in place, ending at the total: "…: 75/75 steps, 10 steps/s".
        let redraws = text.split(separator: "\r").filter { $0.contains("steps/s") }
        let counts = redraws.compactMap { line -> (Int, Int)? in
            guard let range = line.range(of: #"(\d+)/(\d+) steps"#, options: .regularExpression) else { return nil }
            let parts = line[range].dropLast(6).split(separator: "/").compactMap { Int($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
        let last = try #require(counts.last, "\(text.suffix(400))")
        #expect(last.0 == last.1, "the last redraw is not the total: \(last)")
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0.0 <= $1.0 })
        #expect(redraws.contains { $0.contains("s left") }, "no time left shown: \(text.suffix(400))")
        #expect(!(try onTerminal("--quiet")).standardOutput.contains("steps/s"))
        let piped = try KamRunner.run(
            ["model", "fit", "datasets/history.csv", "--output", directory + "/piped.yaml", "--rejects", directory + "/r.csv"])
        #expect(piped.status == 0)
        #expect(!piped.standardError.contains("steps/s"))
    }

    @Test("under --lang zh the phase and progress lines are Chinese (kam model fit, kam sensitivity)")
    func chineseProgressLines() throws {
        let directory = try KamRunner.temporaryDirectory()
        let kam = KamRunner.executable.path
        let scanner = try ChineseText.scanner(inputs: [])
        for (command, expected) in [
            ("'\(kam)' model fit datasets/history.csv --output '\(directory)/fit.yaml' --lang zh > /dev/null", "从 2000 个客户学习："),
            ("'\(kam)' sensitivity datasets/prospects.csv --samples 20000 --show 1 --lang zh > /dev/null", "抽样 20000 组权重 × 295 个客户："),
        ] {
            let shown = try Self.onTerminal(command)
            #expect(shown.status == 0, "\(shown.standardOutput.suffix(400))")
            // The redraws: carriage returns and the erase-to-end-of-line sequence.
            let text = shown.standardOutput.replacingOccurrences(of: "\u{1B}[K", with: "").replacingOccurrences(of: "\r", with: "\n")
            #expect(text.contains(expected), "\(text.suffix(400))")
            #expect(text.contains("每秒") && text.contains("约剩"), "\(text.suffix(400))")
            let offences = scanner.englishWords(in: text)
            #expect(offences.isEmpty, "\(command): \(offences.prefix(10).map { "\($0.word) ← \($0.line)" }.joined(separator: "\n"))")
        }
    }
}
