import RunHistory
import ScoringEngine
import ScoringIO
import Testing

@testable import kam

/// The one mapping from errors to exit statuses and messages (Sources/kam/Commands/
/// ErrorMapping.swift): each family exits with the status docs/files-and-exit-codes.md
/// documents, and its line is the error's own words after `kam: error: `.
@Suite("Errors: one mapping to exit statuses and messages")
struct ErrorMappingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let family: String
        let error: any Error
        let status: Int32
        var testDescription: String { "\(family) → \(status)" }
    }

    static let cases: [Case] = [
        // 64 EX_USAGE
        Case(family: "CLIError.usage", error: CLIError.usage("one file named twice"), status: 64),
        Case(
            family: "OutputFileError.sameFileAsInput",
            error: OutputFileError.sameFileAsInput(file: "list.csv", input: "list.csv", role: "input list"), status: 64),
        Case(
            family: "HistoryError.unknownRun",
            error: HistoryError.unknownRun(path: "h.sqlite", run: 9, available: [1, 2]), status: 64),
        // 65 EX_DATAERR
        Case(
            family: "ModelFileError", error: ModelFileError(file: "m.yaml", line: 3, message: "weights must be at least 0."),
            status: 65),
        Case(family: "DatasetError", error: DatasetError.empty(file: "list.csv"), status: 65),
        Case(
            family: "DatasetError.strictRejects",
            error: DatasetError.strictRejects(file: "list.csv", count: 2, first: "line 3: no id"), status: 65),
        Case(family: "WeightsFileError", error: WeightsFileError(file: "j.yaml", message: "no judges."), status: 65),
        Case(family: "HistoryError.notADatabase", error: HistoryError.notADatabase(path: "h.sqlite"), status: 65),
        Case(family: "ForecastError", error: ForecastError.modelMismatch(expected: "a", found: "b"), status: 65),
        Case(
            family: "CLIError.inFile",
            error: CLIError.inFile("p.yaml", ForecastError.modelMismatch(expected: "a", found: "b")), status: 65),
        Case(
            family: "CLIError.initList", error: CLIError.initList(DatasetError.unreadable(file: "l.csv", reason: "EISDIR")),
            status: 65),
        // 66 EX_NOINPUT
        Case(family: "CLIError.inputMissing", error: CLIError.inputMissing("list.csv: no such file."), status: 66),
        Case(family: "DatasetError.unreadable", error: DatasetError.unreadable(file: "l.csv", reason: "EISDIR"), status: 66),
        Case(
            family: "WeightsFileError (unreadable)",
            error: WeightsFileError(file: "j.yaml", message: "cannot read the judgement file.", isUnreadable: true), status: 66),
        Case(family: "HistoryError.missing", error: HistoryError.missing(path: "h.sqlite"), status: 66),
        // 70 EX_SOFTWARE
        Case(family: "InternalFailure", error: InternalFailure(message: "a bug"), status: 70),
        Case(family: "an unmapped error", error: UnmappedError(), status: 70),
        // 73 EX_CANTCREAT, 74 EX_IOERR
        Case(family: "OutputFileError.cannotCreate", error: OutputFileError.cannotCreate(file: "o.csv", reason: "EACCES"), status: 73),
        Case(family: "CLIError.cannotWrite", error: CLIError.cannotWrite("out"), status: 73),
        Case(
            family: "CLIError.output", error: CLIError.output(.writeFailed(file: "o.csv", reason: "ENOSPC")), status: 74),
        Case(family: "OutputFileError.writeFailed", error: OutputFileError.writeFailed(file: "o.csv", reason: "ENOSPC"), status: 74),
        Case(family: "HistoryError.database", error: HistoryError.database(path: "h.sqlite", message: "disk I/O error"), status: 74),
    ]

    struct UnmappedError: Error, CustomStringConvertible {
        var description: String { "something unexpected" }
    }

    @Test("Each error family exits with its documented status", arguments: cases)
    func status(_ example: Case) {
        #expect(commandFailure(for: example.error).exitCode == example.status)
    }

    @Test("A mapped error prints its own words after 'kam: error: '", arguments: cases.filter { $0.status != 70 })
    func words(_ example: Case) {
        let failure = commandFailure(for: example.error)
        #expect(failure.message == "\(example.error)")
        #expect(failure.printedLine == "kam: error: \(example.error)")
    }

    @Test("Anything else is an internal error, with the words of the old message")
    func internalError() {
        #expect(
            commandFailure(for: UnmappedError()).printedLine
                == "kam: internal error: something unexpected. Please report this with the command line.")
    }

    @Test("Only a history's unknown run or account is shown with the usage")
    func usage() {
        #expect(commandFailure(for: HistoryError.unknownAccount(path: "h.sqlite", account: "X")).usageShown)
        #expect(!commandFailure(for: CLIError.usage("one file named twice")).usageShown)
        #expect(!commandFailure(for: OutputFileError.sameFileAsInput(file: "a", input: "a", role: "model")).usageShown)
    }

    @Test("A file named as context comes before the library's words")
    func context() {
        let error = ForecastError.modelMismatch(expected: "enterprise", found: "default")
        #expect(commandFailure(for: CLIError.inFile("pipeline.yaml", error)).message == "pipeline.yaml: \(error.description)")
    }
}
