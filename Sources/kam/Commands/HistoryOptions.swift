import ArgumentParser
import Foundation
import Reports
import RunHistory
import ScoringEngine
import ScoringIO

/// The options every run-history report shares: format, output file, language, list length.
struct HistoryReportOptions: ParsableArguments {
    @Option(help: "The output format (xlsx: kam changes only).")
    var format: WorkbookOutputFormat = .table

    @OptionGroup var destination: ReportOptions.Output

    @OptionGroup var labels: ReportOptions.Labels

    /// Writes a report's text.
    func write(_ text: String) throws {
        try FileSink.write(text, to: destination.output, format: format.opened)
    }

    /// Writes a workbook (`--format xlsx`).
    func write(_ workbook: Workbook) throws {
        var sink = try FileSink.open(destination.output, format: format.opened)
        try ReportWorkbook.write(workbook, to: &sink, output: destination.output)
        try sink.finish()
    }

    /// The text format, or a usage error for `xlsx` in a command without a workbook.
    func textFormat(_ command: String) throws -> OutputFormat {
        guard let text = format.text else {
            throw ValidationError("Please use '--format xlsx' with 'kam changes'; 'kam \(command)' writes table, markdown, csv or json.")
        }
        return text
    }
}

/// Where the run history is and how to open it.
enum HistoryLocation {
    /// The file name used when none is given.
    static let defaultName = "kam-history.sqlite"

    /// The history a command reads: the one given, else `KAM_HISTORY`, else
    /// `kam-history.sqlite` in the current folder.
    static func path(given: String?) -> String {
        if let given, !given.isEmpty { return given }
        if let environment = ProcessInfo.processInfo.environment["KAM_HISTORY"], !environment.isEmpty {
            return environment
        }
        return defaultName
    }

    /// The history `kam rank --record` writes: the one given, else `KAM_HISTORY`, else
    /// `kam-history.sqlite` in the folder of the prospect list (the current folder for
    /// standard input).
    static func recordPath(given: String, list: String) -> String {
        if !given.isEmpty { return given }
        if let environment = ProcessInfo.processInfo.environment["KAM_HISTORY"], !environment.isEmpty {
            return environment
        }
        guard list != "/dev/stdin" else { return defaultName }
        let folder = URL(fileURLWithPath: list).deletingLastPathComponent().path
        return folder.isEmpty ? defaultName : folder + "/" + defaultName
    }

    /// The history a report command reads (see ``path(given:)``), opened without creating it:
    /// its path, which the report names, and the store.
    static func openExisting(given: String?) throws -> (path: String, store: HistoryStore) {
        let path = Self.path(given: given)
        return (path, try open(path, create: false))
    }

    /// Opens a history, noting a migration on stderr. Its errors (a ``HistoryError``: 65 not
    /// a kam history or newer, 66 missing, 74 SQLite failures) propagate to the mapping in
    /// ErrorMapping.swift.
    static func open(_ path: String, create: Bool, quiet: Bool = false) throws -> HistoryStore {
        let store = try HistoryStore(path: path, create: create)
        if !quiet, !store.created, !store.appliedSteps.isEmpty {
            printError(
                "kam: note: \(path): run history migrated to schema version \(HistorySchema.version) "
                    + "(\(store.appliedSteps.joined(separator: ", "))).")
        }
        return store
    }
}
