import ArgumentParser
import Foundation
import Reports
import ScoringIO

/// `--format` of the commands whose output is also a workbook (`rank`, `forecast`,
/// `allocate`, `kpi`, `changes`): the shared formats and `xlsx`.
enum WorkbookOutputFormat: String, CaseIterable, ExpressibleByArgument {
    case table, markdown, csv, json, xlsx

    /// How the output file is opened: a workbook's bytes are never escaped, like CSV's.
    var opened: OutputFormat {
        switch self {
        case .table: return .table
        case .markdown: return .markdown
        case .csv, .xlsx: return .csv
        case .json: return .json
        }
    }

    /// The text format, or `nil` for a workbook.
    var text: OutputFormat? { self == .xlsx ? nil : opened }

    /// Whether a command prints its report's summary on standard error: when standard output
    /// does not show it (csv, json, xlsx, or a report written to `output`): as for the text
    /// format a workbook's file is opened as (`csv`).
    func sendsSummaryToStandardError(output: String?) -> Bool {
        opened.sendsSummaryToStandardError(output: output)
    }

    /// How many accounts a report lists: as in the text format a workbook's file is opened as
    /// (`csv`: all, unless a number is asked for).
    func listedAccounts(_ requested: Int?) -> Int {
        opened.listedAccounts(requested)
    }

    /// Refuses a workbook written to a terminal (it is not for reading there).
    func validate(output: String?) throws {
        if self == .xlsx, output == nil, isatty(1) == 1 {
            throw ValidationError("Please give '--output FILE.xlsx' with '--format xlsx': a workbook is not for the terminal.")
        }
    }
}

extension ReportWorkbook {
    /// Writes `workbook` to `sink`; a sheet too long for Excel is bad data (65).
    static func write(_ workbook: @autoclosure () throws -> Workbook, to sink: inout FileSink, output: String?) throws {
        do {
            sink.write(bytes: [UInt8](try workbook().data()))
        } catch let error as Workbook.WriteError {
            throw CLIError.inFile(output ?? "standard output", error)
        }
    }
}
