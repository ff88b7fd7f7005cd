import ArgumentParser
import Foundation
import Reports
import ScoringEngine
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

    /// Refuses a workbook written to a terminal (it is not for reading there).
    func validate(output: String?) throws {
        if self == .xlsx, output == nil, isatty(1) == 1 {
            throw ValidationError("Please give '--output FILE.xlsx' with '--format xlsx': a workbook is not for the terminal.")
        }
    }
}

/// Cells, formats and sheets the reports' workbooks share, so that every workbook follows
/// the same conventions as `kam rank`'s (see docs/excel.md).
enum ReportWorkbook {
    /// Scores, points and similar: one decimal.
    static let score = Workbook.NumberFormat.decimal(digits: 1)
    /// Probabilities and shares, stored as fractions.
    static let percent = Workbook.NumberFormat.percent(digits: 1)
    /// Hours and counts with a fraction.
    static let hours = Workbook.NumberFormat.decimal(digits: 1)

    /// The money format of `model`'s deal-value unit (万元 by default).
    static func money(_ model: ScoringModel?) -> Workbook.NumberFormat {
        .money(unit: moneyUnit(model), digits: 2)
    }

    /// The unit money is shown in: the deal-value column's unit from the model's
    /// `column_units` (元, 万元 or 亿元), 万元 without a model.
    static func moneyUnit(_ model: ScoringModel?) -> String {
        RankReport.moneyUnit(model.flatMap { $0.columnUnits[$0.columns.dealValue ?? ""] })
    }

    static func number(_ value: Double?) -> Workbook.Cell {
        guard let value, value.isFinite else { return .empty }
        return .number(value)
    }

    static func integer(_ value: Int?) -> Workbook.Cell { value.map { .number(Double($0)) } ?? .empty }

    /// Text, empty for a blank or one of `missingCodes` (compared without case).
    static func text(_ value: String?, missingCodes: Set<String> = []) -> Workbook.Cell {
        guard let value, !JSONWriter.isMissing(value, missingCodes: missingCodes) else { return .empty }
        return .text(value)
    }

    /// The model's missing codes, lower-cased, for ``text(_:missingCodes:)``.
    static func missingCodes(_ model: ScoringModel) -> Set<String> {
        Set(model.missingCodes.map { $0.lowercased() })
    }

    /// A row that could not be used, whatever reader rejected it.
    struct RejectedRow {
        let file: String
        let line: Int
        let column: String?
        let columnNumber: Int?
        let reason: String
        let message: String
        let fields: [String]
    }

    /// The rows that could not be used, with their line, column, reason and fields as read
    /// (the header's columns, when one header holds for all).
    static func rejectedSheet(
        _ rejects: [RejectedRow], header: [String], language: Language, withFile: Bool = false
    ) -> Workbook.Sheet {
        var columns: [Workbook.Column] = withFile ? [.init("file", width: 24)] : []
        columns += [
            .init("line", format: .integer), .init("column", width: 18), .init("column_number", format: .integer, width: 14),
            .init("reason", width: 16), .init("message", width: 80),
        ]
        columns += header.map { .init($0, width: 12) }
        var sheet = Workbook.Sheet(name: language == .zh ? "未评分行" : "rejected", columns: columns)
        sheet.rows = rejects.map { reject in
            (withFile ? [.text(reject.file)] : [])
                + [
                    .number(Double(reject.line)), text(reject.column), integer(reject.columnNumber), .text(reject.reason),
                    .text(reject.message),
                ] + reject.fields.map { text($0) }
        }
        return sheet
    }

    /// ``rejectedSheet(_:header:language:withFile:)`` for a prospect list's rejects.
    static func rejectedSheet(_ rejects: [Reject], header: [String], language: Language) -> Workbook.Sheet {
        rejectedSheet(
            rejects.map {
                RejectedRow(
                    file: $0.file, line: $0.line, column: $0.column, columnNumber: $0.columnNumber, reason: $0.reason.code,
                    message: $0.message, fields: $0.fields)
            },
            header: header, language: language)
    }

    /// The model used: each factor's id, label, side, column, weight, direction, missing
    /// policy and scale.
    static func modelSheet(_ model: ScoringModel, language: Language) -> Workbook.Sheet {
        let columns: [Workbook.Column] = [
            .init("factor", width: 20), .init("label", width: 24), .init("side", width: 10), .init("column", width: 22),
            .init("weight", format: .decimal(digits: 3)), .init("direction", width: 11), .init("missing", width: 10),
            .init("scale", width: 60),
        ]
        var sheet = Workbook.Sheet(name: language == .zh ? "模型 \(model.name)" : "model \(model.name)", columns: columns)
        let describer = ModelReport(model: model, language: language)
        sheet.rows = model.factors.map { factor in
            [
                .text(factor.id), .text(factor.label.text(language)), .text(factor.side.rawValue), .text(factor.column),
                .number(factor.weight), .text(factor.direction.rawValue), .text(factor.missing.name),
                .text(describer.scaleText(factor)),
            ]
        }
        return sheet
    }

    /// `sheet` with only the columns named `names` (headers it has), in that order.
    static func selecting(_ names: [String], from sheet: Workbook.Sheet) -> Workbook.Sheet {
        let picks = names.compactMap { name in sheet.columns.firstIndex { $0.header == name } }
        var selected = Workbook.Sheet(
            name: sheet.name, columns: picks.map { sheet.columns[$0] },
            gradeColumn: sheet.gradeColumn.flatMap { picks.firstIndex(of: $0) })
        selected.rows = sheet.rows.map { row in picks.map { $0 < row.count ? row[$0] : .empty } }
        return selected
    }

    /// Writes `workbook` to `sink`; a sheet too long for Excel is bad data (65).
    static func write(_ workbook: @autoclosure () throws -> Workbook, to sink: inout FileSink, output: String?) throws {
        do {
            sink.write(bytes: [UInt8](try workbook().data()))
        } catch let error as Workbook.WriteError {
            throw CLIError.badData("\(output ?? "standard output"): \(error)")
        }
    }
}
