import Foundation
import ScoringEngine
import ScoringIO

/// Cells, formats and sheets the reports' workbooks share, so that every workbook follows
/// the same conventions as `kam rank`'s (see docs/excel.md).
public enum ReportWorkbook {
    /// Scores, points and similar: one decimal.
    public static let score = Workbook.NumberFormat.decimal(digits: 1)
    /// Probabilities and shares, stored as fractions.
    public static let percent = Workbook.NumberFormat.percent(digits: 1)
    /// Hours and counts with a fraction.
    public static let hours = Workbook.NumberFormat.decimal(digits: 1)

    /// The money format of `model`'s deal-value unit (万元 by default).
    public static func money(_ model: ScoringModel?) -> Workbook.NumberFormat {
        .money(unit: moneyUnit(model), digits: 2)
    }

    /// The unit money is shown in: the deal-value column's unit from the model's
    /// `column_units` (元, 万元 or 亿元), 万元 without a model.
    public static func moneyUnit(_ model: ScoringModel?) -> String {
        RankReport.moneyUnit(model.flatMap { $0.columnUnits[$0.columns.dealValue ?? ""] })
    }

    public static func number(_ value: Double?) -> Workbook.Cell {
        guard let value, value.isFinite else { return .empty }
        return .number(value)
    }

    public static func integer(_ value: Int?) -> Workbook.Cell { value.map { .number(Double($0)) } ?? .empty }

    /// Text, empty for a blank or one of `missingCodes` (compared without case).
    public static func text(_ value: String?, missingCodes: Set<String> = []) -> Workbook.Cell {
        guard let value, !JSONWriter.isMissing(value, missingCodes: missingCodes) else { return .empty }
        return .text(value)
    }

    /// The model's missing codes, lower-cased, for ``text(_:missingCodes:)``.
    public static func missingCodes(_ model: ScoringModel) -> Set<String> {
        Set(model.missingCodes.map { $0.lowercased() })
    }

    /// A row that could not be used, whatever reader rejected it.
    public struct RejectedRow {
        public let file: String
        public let line: Int
        public let column: String?
        public let columnNumber: Int?
        public let reason: String
        public let message: String
        public let fields: [String]

        public init(file: String, line: Int, column: String?, columnNumber: Int?, reason: String, message: String, fields: [String]) {
            self.file = file
            self.line = line
            self.column = column
            self.columnNumber = columnNumber
            self.reason = reason
            self.message = message
            self.fields = fields
        }
    }

    /// The rows that could not be used, with their line, column, reason and fields as read
    /// (the header's columns, when one header holds for all).
    public static func rejectedSheet(
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
    public static func rejectedSheet(_ rejects: [Reject], header: [String], language: Language) -> Workbook.Sheet {
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
    public static func modelSheet(_ model: ScoringModel, language: Language) -> Workbook.Sheet {
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
    public static func selecting(_ names: [String], from sheet: Workbook.Sheet) -> Workbook.Sheet {
        let picks = names.compactMap { name in sheet.columns.firstIndex { $0.header == name } }
        var selected = Workbook.Sheet(
            name: sheet.name, columns: picks.map { sheet.columns[$0] },
            gradeColumn: sheet.gradeColumn.flatMap { picks.firstIndex(of: $0) })
        selected.rows = sheet.rows.map { row in picks.map { $0 < row.count ? row[$0] : .empty } }
        return selected
    }
}
