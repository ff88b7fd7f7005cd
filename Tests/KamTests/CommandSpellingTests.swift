import Foundation
import Testing

@Suite("Command-line spelling: unknown commands, negative values, usage of the command at fault")
struct CommandSpellingTests {
    @Test(
        "an unknown command says which one was meant and exits 64",
        arguments: [
            (["rnak", "x"], "kam: unknown command 'rnak'; did you mean 'rank'?"),
            (["help", "ranks"], "kam: unknown command 'ranks'; did you mean 'rank'?"),
            (["weights", "fitt", "h.csv"], "kam weights: unknown command 'fitt'; did you mean 'fit'?"),
            (["forcast"], "kam: unknown command 'forcast'; did you mean 'forecast'?"),
        ])
    func unknownCommand(arguments: [String], expected: String) throws {
        let outcome = try KamRunner.run(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.standardError.hasPrefix("Error: " + expected + "\n"))
        #expect(outcome.standardOutput.isEmpty)
    }

    @Test("a word far from every command gets no guess, only the list")
    func noGuess() throws {
        let outcome = try KamRunner.run(["zzzzzz"])
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains("unknown command 'zzzzzz'\nCommands: rank, validate,"))
        #expect(!outcome.standardError.contains("did you mean"))
    }

    @Test("control characters in an unknown command are shown escaped")
    func escapedWord() throws {
        let outcome = try KamRunner.run(["ra\u{1B}[2Jnk"])
        #expect(outcome.status == 64)
        #expect(!outcome.standardError.contains("\u{1B}"))
        #expect(outcome.standardError.contains("ra\\u{1b}[2Jnk"))
    }

    @Test("a negative value after an option gets the option's own message, as with '='")
    func negativeValues() throws {
        let spaced = try KamRunner.run(["weights", "fit", "datasets/history.csv", "--strength", "-1"])
        let joined = try KamRunner.run(["weights", "fit", "datasets/history.csv", "--strength=-1"])
        #expect(spaced.status == 64)
        #expect(spaced.standardError == joined.standardError)
        #expect(spaced.standardError.hasPrefix("Error: The value '-1' is invalid for '--strength <strength>'"))
        let samples = try KamRunner.run(["sensitivity", "datasets/prospects.csv", "--samples", "-5"])
        let samplesJoined = try KamRunner.run(["sensitivity", "datasets/prospects.csv", "--samples=-5"])
        #expect(samples.status == 64)
        #expect(samples.standardError == samplesJoined.standardError)
    }

    @Test("an unknown --scenario shows rank's usage, not the top-level one")
    func scenarioUsage() throws {
        let outcome = try KamRunner.run(["rank", "datasets/prospects.csv", "--scenario", "nope"])
        #expect(outcome.status == 64)
        #expect(
            outcome.standardError
                == "Error: Please specify a '--scenario' the model defines: base, growth, cautious.\n"
                + "Usage: kam rank [<options>] <file>\n  See 'kam rank --help' for more information.\n")
    }

    @Test("help shows the values users type: cv for the strength; generate names no code type")
    func helpWords() throws {
        let fit = try KamRunner.run(["weights", "fit", "--help"])
        #expect(fit.standardOutput.contains("(default: cv)"))
        #expect(!fit.standardOutput.contains("crossValidated"))
        let generate = try KamRunner.run(["generate", "--help"])
        #expect(!generate.standardOutput.contains("ShapedHistoryTruth"))
    }
}
