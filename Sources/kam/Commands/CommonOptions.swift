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

    /// Loads the model: a missing one is 66; its ``ModelFileError`` (65) propagates.
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
        return try ModelFileReader().read(contentsOf: model)  // a ModelFileError: 65 (see ErrorMapping.swift)
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
        try Self.validate(delimiter: delimiter)
    }

    /// Refuses a `--delimiter` that ``delimiterByte(_:)`` does not know (shared with `kam kpi`).
    static func validate(delimiter: String?) throws {
        if let delimiter, delimiterByte(delimiter) == nil {
            throw ValidationError("Please specify a '--delimiter' of ',', ';' or 'tab'.")
        }
    }

    /// The byte of a `--delimiter`: `,`, `;` or a tab (written `tab`, `\t` or a tab
    /// character); nil for anything else.
    static func delimiterByte(_ text: String) -> UInt8? {
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
        CSVOptions(delimiter: delimiter.flatMap(Self.delimiterByte), encoding: encoding, sheet: sheet)
    }

    /// Ranks the file in bounded memory with ``ProspectStream`` (see there); its errors
    /// propagate as those of ``load(model:progress:)`` do. `runCapacity` bounds the
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

    /// Announces the reading of the file on `progress` ("reading FILE", sized by
    /// ``estimatedRows``), then reads and maps it onto the model with ``load(model:progress:)``.
    func loadShowingReading(model: ScoringModel, progress: Progress) throws -> ProspectListLoader.Result {
        progress.phase("reading \(file)", rows: estimatedRows)
        return try load(model: model, progress: progress)
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

/// The inputs of a run that no output may replace: the prospect list and the model.
func protectedInputs(list: String? = nil, model: String? = nil, others: [(String, String)] = []) -> [ProtectedInput] {
    var inputs: [ProtectedInput] = []
    if let list { inputs.append(ProtectedInput(list, role: "input list")) }
    if let model { inputs.append(ProtectedInput(model, role: "model")) }
    for (path, role) in others { inputs.append(ProtectedInput(path, role: role)) }
    return inputs
}

extension CSVOutputStyle.Encoding: ExpressibleByArgument {}
