import ArgumentParser
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension Language: ExpressibleByArgument {}
extension TextEncoding: ExpressibleByArgument {}

/// The model file option shared by every command that reads a model.
struct ModelOptions: ParsableArguments {
    @Option(
        name: [.customShort("m"), .customLong("model")],
        help: "The model file (YAML). Default: $KAM_MODEL, else models/default.yaml here, else the installed copy.")
    var modelPath: String?

    /// The model file to read: the option, `KAM_MODEL`, or the bundled default (see ``BundledFiles``).
    var model: String {
        BundledFiles.locate(modelPath, name: "default.yaml", environmentVariable: "KAM_MODEL")
    }

    /// Loads the model, turning problems into CLI errors with exit status 65 or 66.
    func load() throws -> ScoringModel {
        guard FileManager.default.fileExists(atPath: model) else {
            throw CLIError.inputMissing("\(InputEcho.path(model)): no such model file. Give the path with --model or set KAM_MODEL.")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory), isDirectory.boolValue {
            // As for a prospect list: a directory is an input that cannot be read (66).
            throw CLIError.inputMissing(
                "\(InputEcho.path(model)): cannot read the model file (Is a directory). Give the path of a YAML file with --model.")
        }
        return try ModelFileReader().read(contentsOf: model)  // a ModelFileError: 65 (see CLIError.init?(reporting:))
    }
}

/// The prospect list argument and how to read it.
struct InputOptions: ParsableArguments {
    /// `-` reads standard input (as `/dev/stdin`, which is read into memory: a pipe cannot be
    /// read twice or by position, so it is not streamed).
    @Argument(
        help: "The prospect list (CSV, UTF-8 or GB18030); - reads standard input.",
        transform: { $0 == "-" ? "/dev/stdin" : $0 })
    var file: String

    @Option(help: "The file's text encoding: \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", ")).")
    var encoding: TextEncoding = .auto

    @Option(help: "The field delimiter: ',' ';' or 'tab' (default: detected from the header).")
    var delimiter: String?

    @Option(help: "For an Excel workbook (.xlsx): the sheet to read (default: the first).")
    var sheet: String?

    func validate() throws {
        if let delimiter, delimiterByte(delimiter) == nil {
            throw ValidationError("Please specify a '--delimiter' of ',', ';' or 'tab'.")
        }
    }

    func delimiterByte(_ text: String) -> UInt8? {
        switch text {
        case ",": return UInt8(ascii: ",")
        case ";": return UInt8(ascii: ";")
        case "tab", "\\t", "\t": return UInt8(ascii: "\t")
        default: return nil
        }
    }

    /// A rough row count from the file size (for deciding whether to show progress).
    var estimatedRows: Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        return (attributes?[.size] as? Int ?? 0) / 100
    }

    /// How to read the file: the given delimiter and encoding, or detection.
    var csvOptions: CSVOptions {
        CSVOptions(delimiter: delimiter.flatMap(delimiterByte), encoding: encoding, sheet: sheet)
    }

    /// Ranks the file in bounded memory with ``ProspectStream`` (see there), turning
    /// problems into CLI errors as ``load(model:progress:)`` does. `runCapacity` bounds the
    /// accounts of a whole ranking kept in memory; `paged` leaves the shown rows to be read
    /// page by page.
    func rank(
        model: ScoringModel, scorer: Scorer, scenario: Int, limit: Int, grades: Set<Grade>?, blockSize: Int? = nil,
        workers: Int? = nil, runCapacity: Int? = nil, paged: Bool = false, keepsRecords: Bool = false, everyRowUpTo: Int = 0,
        observer: (@Sendable () -> any AccountObserver)? = nil, contentObserver: (@Sendable () -> any ContentObserver)? = nil,
        progress: Progress? = nil
    ) throws -> StreamedRanking {
        guard FileManager.default.fileExists(atPath: file) else {
            throw CLIError.inputMissing("\(file): no such file. Check the path of the prospect list.")
        }
        var configuration = ProspectStream.Configuration()
        if let blockSize { configuration.blockSize = blockSize }
        if let workers { configuration.workers = workers }
        if let runCapacity { configuration.runCapacity = runCapacity }
        configuration.keepsRecords = keepsRecords
        if let progress { configuration.progress = { progress.update(rows: $0) } }
        configuration.observer = observer
        configuration.contentObserver = contentObserver
        let stream = ProspectStream(model: model, options: csvOptions, configuration: configuration)
        return try stream.rank(
            contentsOf: file, scorer: scorer, scenario: scenario, limit: limit, grades: grades, paged: paged,
            everyRowUpTo: everyRowUpTo)
    }

    /// Reads and maps the file onto the model.
    func load(model: ScoringModel, progress: Progress? = nil) throws -> ProspectListLoader.Result {
        guard FileManager.default.fileExists(atPath: file) else {
            throw CLIError.inputMissing("\(file): no such file. Check the path of the prospect list.")
        }
        let reader = CSVReader(options: csvOptions)
        let table = try reader.read(contentsOf: file)
        progress?.phase("mapping \(table.records.count) rows onto the model", rows: table.records.count)
        return try ProspectListLoader(model: model).load(table)
    }
}

/// Errors the CLI reports with a sysexits.h status.
enum CLIError: Error, CustomStringConvertible {
    /// 65 EX_DATAERR: the input or model has a problem that stops the run.
    case badData(String)
    /// 66 EX_NOINPUT: an input file is missing or unreadable (also a directory given as one).
    case inputMissing(String)
    /// 73 EX_CANTCREAT: an output file cannot be created (the path's message).
    case cannotWrite(String)
    /// An output that cannot be created (73), whose write failed (74), or that is an input
    /// of the run (64).
    case output(OutputFileError)
    /// 64 EX_USAGE without the usage text: the command line is wrong in a way the parser
    /// cannot see (such as one file named for two roles).
    case usage(String)

    var description: String {
        switch self {
        case .badData(let message), .inputMissing(let message), .usage(let message): return message
        case .cannotWrite(let path):
            return "\(InputEcho.path(path)): cannot write the output file; check the folder exists and is writable."
        case .output(let error): return error.description
        }
    }

    var exitCode: ExitCode {
        switch self {
        case .badData: return ExitCode(65)
        case .inputMissing: return ExitCode(66)
        case .cannotWrite: return ExitCode(73)
        case .output(let error): return ExitCode(error.exitStatus)
        case .usage: return ExitCode(64)
        }
    }
}

/// The inputs of a run that no output may replace: the prospect list and the model.
func protectedInputs(list: String? = nil, model: String? = nil, others: [(String, String)] = []) -> [ProtectedInput] {
    var inputs: [ProtectedInput] = []
    if let list { inputs.append(ProtectedInput(list, role: "input list")) }
    if let model { inputs.append(ProtectedInput(model, role: "model")) }
    for (path, role) in others { inputs.append(ProtectedInput(path, role: role)) }
    return inputs
}

extension CLIError {
    /// The one mapping from the library's typed errors to what the CLI prints and its exit
    /// status: a missing or unreadable input is 66, any other problem with an input's
    /// contents 65, an output problem 73, 74 or 64 (``OutputFileError``). `nil` for errors
    /// that are not the user's to fix (reported as internal failures, 70).
    ///
    /// Commands let these errors propagate to ``runReportingErrors(_:)`` instead of wrapping
    /// each in `CLIError.badData(error.description)`.
    init?(reporting error: any Error) {
        switch error {
        case let error as CLIError: self = error
        case let error as OutputFileError: self = .output(error)
        case let error as ModelFileError: self = .badData(error.description)
        case let error as DatasetError:
            if case .unreadable = error { self = .inputMissing(error.description) } else { self = .badData(error.description) }
        case let error as WeightsFileError:
            self = error.isUnreadable ? .inputMissing(error.description) : .badData(error.description)
        case let error as ModelDraftError: self = .badData(error.description)
        case let error as PerformanceDataError: self = .badData(error.description)
        default: return nil
        }
    }
}

/// Runs a command body, printing CLI errors (and the library errors ``CLIError`` maps) to
/// stderr and exiting with their status; anything unexpected is an internal failure (70).
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        if let reported = CLIError(reporting: error) {
            printError("kam: error: \(reported.description)")
            throw reported.exitCode
        }
        printError("kam: internal error: \(error). Please report this with the command line.")
        throw ExitCode(70)
    }
}
extension CSVOutputStyle.Encoding: ExpressibleByArgument {}
