import Foundation
import ZIPFoundation

/// An Excel workbook (`.xlsx`, Office Open XML) built from typed cells: numbers stay
/// numbers with a display format, missing values are empty cells, and each sheet's header
/// row is frozen and carries an autofilter.
///
/// The package is written with ZIPFoundation (deflate) and plain XML: a content-types part,
/// the workbook and its relationships, one style sheet, and one worksheet per ``Sheet`` with
/// inline strings. The bytes are the same for the same cells (entries carry a fixed date).
public struct Workbook: Sendable {
    /// How a column's numbers are shown.
    public enum NumberFormat: Hashable, Sendable {
        case general
        case integer
        /// `digits` decimals, with thousands separators.
        case decimal(digits: Int)
        /// A fraction shown as a percentage (0.25 → 25.0%).
        case percent(digits: Int)
        /// An amount with its unit after it (`1,800.00 万元`).
        case money(unit: String, digits: Int)

        /// The Excel format code.
        var code: String {
            switch self {
            case .general: return "General"
            case .integer: return "0"
            case .decimal(let digits): return "#,##0" + Self.fraction(digits)
            case .percent(let digits): return "0" + Self.fraction(digits) + "%"
            case .money(let unit, let digits):
                return "#,##0" + Self.fraction(digits) + "\" " + unit.replacingOccurrences(of: "\"", with: "") + "\""
            }
        }

        private static func fraction(_ digits: Int) -> String { digits > 0 ? "." + String(repeating: "0", count: digits) : "" }
    }

    /// One cell.
    public enum Cell: Equatable, Sendable {
        case text(String)
        case number(Double)
        /// A missing value: no cell is written.
        case empty
    }

    public struct Column: Sendable {
        public let header: String
        public let format: NumberFormat
        /// Width in characters (Excel's unit); `nil` picks one from the header.
        public let width: Double?

        public init(_ header: String, format: NumberFormat = .general, width: Double? = nil) {
            self.header = header
            self.format = format
            self.width = width
        }
    }

    public struct Sheet: Sendable {
        public let name: String
        public let columns: [Column]
        public var rows: [[Cell]]
        /// A column whose text cells A, B, C, D (and anything else) are filled in the grade's colour.
        public let gradeColumn: Int?

        public init(name: String, columns: [Column], rows: [[Cell]] = [], gradeColumn: Int? = nil) {
            self.name = name
            self.columns = columns
            self.rows = rows
            self.gradeColumn = gradeColumn
        }
    }

    /// Excel's limit: 1,048,576 rows a sheet, the header included.
    public static let maximumRows = 1_048_575

    public let sheets: [Sheet]

    public init(sheets: [Sheet]) {
        self.sheets = sheets
    }

    /// Why a workbook cannot be written.
    public enum WriteError: Error, Equatable, CustomStringConvertible {
        case tooManyRows(sheet: String, rows: Int)
        case packaging(String)

        public var description: String {
            switch self {
            case .tooManyRows(let sheet, let rows):
                return
                    "sheet '\(sheet)' would have \(rows) rows, more than Excel's \(Workbook.maximumRows); use --top, a filter, or --format csv"
            case .packaging(let message):
                return "the workbook could not be packaged: \(message)"
            }
        }
    }

    /// The `.xlsx` file's bytes.
    public func data() throws(WriteError) -> Data {
        for sheet in sheets where sheet.rows.count > Self.maximumRows {
            throw .tooManyRows(sheet: sheet.name, rows: sheet.rows.count)
        }
        var styles = StyleTable()
        var parts: [(String, Data)] = []
        parts.append(("[Content_Types].xml", Data(contentTypes().utf8)))
        parts.append(("_rels/.rels", Data(Self.rootRelationships.utf8)))
        parts.append(("xl/workbook.xml", Data(workbookXML().utf8)))
        parts.append(("xl/_rels/workbook.xml.rels", Data(workbookRelationships().utf8)))
        var sheetParts: [(String, Data)] = []
        for (index, sheet) in sheets.enumerated() {
            sheetParts.append(("xl/worksheets/sheet\(index + 1).xml", worksheetXML(sheet, styles: &styles)))
        }
        parts.append(("xl/styles.xml", Data(styles.xml().utf8)))
        parts += sheetParts
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            let date = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01: same bytes each run
            for (path, bytes) in parts {
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: date,
                    compressionMethod: .deflate
                ) { position, size in
                    bytes.subdata(in: Int(position)..<(Int(position) + size))
                }
            }
            guard let data = archive.data else { throw WriteError.packaging("no archive data") }
            return data
        } catch let error as WriteError {
            throw error
        } catch {
            throw .packaging("\(error)")
        }
    }

    // MARK: Parts

    static let rootRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    func contentTypes() -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
            """
        for index in sheets.indices {
            xml +=
                "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" "
                + "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return xml + "</Types>"
    }

    func workbookXML() -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>
            """
        for (index, sheet) in sheets.enumerated() {
            xml += "<sheet name=\"\(Self.escaped(Self.sheetName(sheet.name)))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        xml += "</sheets><definedNames>"
        for (index, sheet) in sheets.enumerated() where !sheet.columns.isEmpty {
            let name = Self.escaped(Self.sheetName(sheet.name)).replacingOccurrences(of: "'", with: "''")
            let last = Self.columnLetters(sheet.columns.count - 1)
            xml +=
                "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(index)\" hidden=\"1\">"
                + "'\(name)'!$A$1:$\(last)$\(sheet.rows.count + 1)</definedName>"
        }
        return xml + "</definedNames></workbook>"
    }

    func workbookRelationships() -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            """
        for index in sheets.indices {
            xml +=
                "<Relationship Id=\"rId\(index + 1)\" "
                + "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
                + "Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        xml +=
            "<Relationship Id=\"rId\(sheets.count + 1)\" "
            + "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        return xml + "</Relationships>"
    }

    func worksheetXML(_ sheet: Sheet, styles: inout StyleTable) -> Data {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            <selection pane="bottomLeft"/></sheetView></sheetViews><cols>
            """
        for (index, column) in sheet.columns.enumerated() {
            let width = column.width ?? max(8, min(40, Double(Self.displayWidth(column.header)) + 2))
            xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(Self.plain(width))\" customWidth=\"1\"/>"
        }
        xml += "</cols><sheetData>"
        var bytes = Array(xml.utf8)
        bytes.reserveCapacity(bytes.count + sheet.rows.count * sheet.columns.count * 24)
        let letters = sheet.columns.indices.map(Self.columnLetters)
        let header = styles.index(format: .general, fill: nil, bold: true)
        bytes += Array("<row r=\"1\">".utf8)
        for (index, column) in sheet.columns.enumerated() {
            bytes += Array("<c r=\"\(letters[index])1\" s=\"\(header)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">".utf8)
            bytes += Array(Self.escaped(column.header).utf8)
            bytes += Array("</t></is></c>".utf8)
        }
        bytes += Array("</row>".utf8)
        let columnStyles = sheet.columns.map { styles.index(format: $0.format, fill: nil, bold: false) }
        for (rowIndex, row) in sheet.rows.enumerated() {
            let reference = String(rowIndex + 2)
            bytes += Array("<row r=\"\(reference)\">".utf8)
            for (index, cell) in row.enumerated() where index < letters.count {
                let place = letters[index] + reference
                switch cell {
                case .empty:
                    continue
                case .number(let value):
                    guard value.isFinite else { continue }
                    bytes += Array("<c r=\"\(place)\" s=\"\(columnStyles[index])\"><v>\(Self.plain(value))</v></c>".utf8)
                case .text(let text):
                    var style = columnStyles[index]
                    if index == sheet.gradeColumn { style = styles.index(format: .general, fill: Self.gradeFill(text), bold: true) }
                    bytes += Array("<c r=\"\(place)\" s=\"\(style)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">".utf8)
                    bytes += Array(Self.escaped(text).utf8)
                    bytes += Array("</t></is></c>".utf8)
                }
            }
            bytes += Array("</row>".utf8)
        }
        bytes += Array("</sheetData>".utf8)
        if !sheet.columns.isEmpty {
            bytes += Array("<autoFilter ref=\"A1:\(letters[letters.count - 1])\(sheet.rows.count + 1)\"/>".utf8)
        }
        bytes += Array("</worksheet>".utf8)
        return Data(bytes)
    }

    /// The fill colour (ARGB) of a grade's cell.
    static func gradeFill(_ grade: String) -> String {
        switch grade.first {
        case "A": return "FF63BE7B"
        case "B": return "FFB5D99C"
        case "C": return "FFFFE699"
        case "D": return "FFD9D9D9"
        default: return "FFF4B183"
        }
    }

    // MARK: Text

    /// `text` escaped for XML; control characters Excel cannot store become `_xHHHH_`.
    static func escaped(_ text: String) -> String {
        ScalarEscaping.escape(text) { scalar in
            if let reference = ScalarEscaping.markup(scalar) { return reference }
            let control = scalar.value < 0x20 && !["\t", "\n", "\r"].contains(scalar)
            guard control || (0xFFFE...0xFFFF).contains(scalar.value) else { return nil }
            return "_x" + String(format: "%04X", scalar.value) + "_"
        }
    }

    /// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
    static func sheetName(_ name: String) -> String {
        let cleaned = String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 })
        return String(cleaned.prefix(31))
    }

    /// `A`, `B`, …, `Z`, `AA`, … for a zero-based column.
    static func columnLetters(_ index: Int) -> String {
        var number = index + 1
        var letters = ""
        while number > 0 {
            let remainder = (number - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            number = (number - 1) / 26
        }
        return letters
    }

    /// The shortest text that reads back as `value` (Swift's description), without a
    /// trailing `.0`.
    static func plain(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
    }
}

/// The style sheet: number formats, fills and the cell formats (`xf`) that combine them.
struct StyleTable {
    struct Key: Hashable {
        let format: Workbook.NumberFormat
        let fill: String?
        let bold: Bool
    }

    private var keys: [Key] = [Key(format: .general, fill: nil, bold: false)]
    private var formats: [String] = []
    private var fills: [String] = []

    /// The `xf` index for a combination, adding it when new.
    mutating func index(format: Workbook.NumberFormat, fill: String?, bold: Bool) -> Int {
        let key = Key(format: format, fill: fill, bold: bold)
        if let index = keys.firstIndex(of: key) { return index }
        keys.append(key)
        if format != .general, !formats.contains(format.code) { formats.append(format.code) }
        if let fill, !fills.contains(fill) { fills.append(fill) }
        return keys.count - 1
    }

    func xml() -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
            """
        if !formats.isEmpty {
            xml += "<numFmts count=\"\(formats.count)\">"
            for (index, code) in formats.enumerated() {
                xml += "<numFmt numFmtId=\"\(164 + index)\" formatCode=\"\(Workbook.escaped(code))\"/>"
            }
            xml += "</numFmts>"
        }
        xml +=
            "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font>"
            + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
        xml +=
            "<fills count=\"\(2 + fills.count)\"><fill><patternFill patternType=\"none\"/></fill>"
            + "<fill><patternFill patternType=\"gray125\"/></fill>"
        for fill in fills {
            xml += "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"\(fill)\"/><bgColor indexed=\"64\"/></patternFill></fill>"
        }
        xml += "</fills><borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        xml += "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        xml += "<cellXfs count=\"\(keys.count)\">"
        for key in keys {
            let formatID = key.format == .general ? 0 : 164 + (formats.firstIndex(of: key.format.code) ?? 0)
            let fillID = key.fill.map { 2 + (fills.firstIndex(of: $0) ?? 0) } ?? 0
            xml += "<xf numFmtId=\"\(formatID)\" fontId=\"\(key.bold ? 1 : 0)\" fillId=\"\(fillID)\" borderId=\"0\" xfId=\"0\""
            if formatID != 0 { xml += " applyNumberFormat=\"1\"" }
            if fillID != 0 { xml += " applyFill=\"1\"" }
            if key.bold { xml += " applyFont=\"1\"" }
            xml += "/>"
        }
        xml += "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        return xml + "</styleSheet>"
    }
}
