import ArgumentParser
import LinearAlgebra
import RunHistory
import ScoringEngine
import ScoringIO

/// An error `kam` reports to the user: what it prints after `kam: error: ` and the
/// sysexits.h status it exits with.
///
/// This file is the one mapping from errors to exit statuses and messages. Commands do not
/// catch a library error to reword it: they let ``DatasetError``, ``ModelFileError``,
/// ``HistoryError``, ``OutputFileError`` and the engine's errors propagate to
/// ``runReportingErrors(_:)``, which asks the error (``commandFailure(for:)``) for its
/// ``exitCode`` and ``message``. A command that adds context (a file name, a hint) throws a
/// typed ``CLIError`` case holding the library error. An error that conforms to nothing here
/// is a bug: ``InternalFailure``, 70.
///
/// The statuses (docs/files-and-exit-codes.md):
/// - 64 EX_USAGE: the command line is wrong (``usageShown`` says whether the usage follows);
/// - 65 EX_DATAERR: an input's contents stop the run;
/// - 66 EX_NOINPUT: an input is missing or unreadable;
/// - 70 EX_SOFTWARE: an internal failure (any other error);
/// - 73 EX_CANTCREAT / 74 EX_IOERR: an output cannot be created / its write failed.
protocol CommandFailure: Error {
    /// The sysexits.h status `kam` exits with.
    var exitCode: Int32 { get }
    /// The message printed after `kam: error: `.
    var message: String { get }
    /// Whether the message is a usage error printed by ArgumentParser with the command's
    /// usage (`Error: …` then `Usage: …`) rather than after `kam: error: `. Default `false`.
    var usageShown: Bool { get }
    /// The line printed on standard error (when the usage is not shown). Default
    /// `kam: error: ` and the ``message``.
    var printedLine: String { get }
}

extension CommandFailure {
    var usageShown: Bool { false }
    var printedLine: String { "kam: error: \(message)" }
}

/// A failure that is kam's fault, not the data's (also any error nothing here maps): printed
/// as an internal error, exit status 70.
struct InternalFailure: CommandFailure, CustomStringConvertible {
    let message: String

    var exitCode: Int32 { ExitStatus.internalFailure }
    var printedLine: String { "kam: internal error: \(message). Please report this with the command line." }
    var description: String { message }
}

/// The one mapping: `error` as the failure `kam` reports; an ``InternalFailure`` when it is
/// not a ``CommandFailure``.
func commandFailure(for error: any Error) -> any CommandFailure {
    (error as? any CommandFailure) ?? InternalFailure(message: "\(error)")
}

/// The sysexits.h statuses `kam` exits with.
enum ExitStatus {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let internalFailure: Int32 = 70
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74
}

// MARK: - The CLI's own errors

extension CLIError: CommandFailure {
    var exitCode: Int32 {
        switch self {
        case .inputMissing: return ExitStatus.noInput
        case .cannotWrite: return ExitStatus.cannotCreate
        case .output(let error): return error.exitCode
        case .usage: return ExitStatus.usage
        case .inFile, .initList, .weightFit, .noClosedAccounts, .excludedEverySide,
            .nothingToAnalyze, .accountRejected, .noSuchAccount, .nothingToFit, .nothingToLearn, .oneOutcomeOnly,
            .nothingToEvaluate, .noUsableEvent, .tooFewStagedRuns, .strictHistoryRejects, .tableLayout:
            return ExitStatus.dataError
        }
    }

    var message: String { description }
}

// MARK: - Inputs: 66 when unreadable, else 65

extension DatasetError: CommandFailure {
    var exitCode: Int32 {
        if case .unreadable = self { return ExitStatus.noInput }
        return ExitStatus.dataError
    }

    var message: String { description }
}

extension WeightsFileError: CommandFailure {
    var exitCode: Int32 { isUnreadable ? ExitStatus.noInput : ExitStatus.dataError }
    var message: String { description }
}

/// A model, team, scorecard or pipeline file that cannot be read or used: 65, an unreadable
/// one too (a missing model is caught earlier, as ``CLIError/inputMissing(_:)``).
extension ModelFileError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension ModelDraftError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension PerformanceDataError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

/// A run history: 65 not a kam history (or a newer one, or too few runs), 66 missing, 64 an
/// unknown run or account (with the usage), 74 an SQLite failure.
extension HistoryError: CommandFailure {
    var exitCode: Int32 { exitStatus }
    var message: String { description }
    var usageShown: Bool { exitStatus == ExitStatus.usage }
}

// MARK: - Outputs: 73, 74, or 64 for an output that is an input

extension OutputFileError: CommandFailure {
    var exitCode: Int32 { exitStatus }
    var message: String { description }
}

/// A value the chosen output encoding cannot hold (`--output-encoding`, `--excel`).
extension CSVOutputTransformer.Failure: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

// MARK: - The engine's data errors: 65

extension ModelError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension LearningError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension ForecastError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension WeightFitError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension SensitivityError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension PairwiseComparisonError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension AllocationError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension ScorecardError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension SQLExportError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

extension LinearAlgebraError: CommandFailure {
    var exitCode: Int32 { ExitStatus.dataError }
    var message: String { description }
}

// MARK: - Reporting

/// Runs a command body, printing any error it throws as ``commandFailure(for:)`` maps it
/// (`kam: error: …` on stderr, or ArgumentParser's usage error) and exiting with its status;
/// `ExitCode` and ArgumentParser's `ValidationError` pass through.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        let failure = commandFailure(for: error)
        if failure.usageShown { throw ValidationError(failure.message) }
        printError(failure.printedLine)
        throw ExitCode(failure.exitCode)
    }
}
