import Foundation
import ZIPFoundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads one sheet of an Excel workbook (`.xlsx`) as a table, so that a list saved from Excel
/// is read like its CSV: the first non-empty row is the header, and each record's line is its
/// sheet row number (what Excel shows), so rejects point at the row to fix.
///
/// Cells are read as Excel stores them: shared and inline strings as text, numbers as the
/// shortest text that reads back as the stored value (`218`, `0.35`), booleans as `TRUE` and
/// `FALSE`, a formula by its cached result. Dates are numbers in Excel (days since 1900) and
/// are read as such. Empty cells are empty fields.
public struct WorkbookReader: Sendable {
    /// The sheet to read; the first one when `nil`.
    public let sheet: String?

    public init(sheet: String? = nil) {
        self.sheet = sheet
    }

    /// Whether the file at `path` is a ZIP package (an `.xlsx` workbook, or another ZIP file).
    public static func isZIP(_ path: String) -> Bool { magic(path, count: 4) == [0x50, 0x4B, 0x03, 0x04] }

    /// Whether the file at `path` is gzip-compressed.
    public static func isGzip(_ path: String) -> Bool { magic(path, count: 2) == [0x1F, 0x8B] }

    /// The first `count` bytes of a regular file (never of a pipe or device, which reading
    /// would consume).
    private static func magic(_ path: String, count: Int) -> [UInt8]? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: count), data.count == count else { return nil }
        return [UInt8](data)
    }

    /// Reads the sheet as a table named `path`.
    public func read(contentsOf path: String) throws(DatasetError) -> CSVTable {
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw .unreadable(file: path, reason: "it starts like a ZIP file but cannot be opened as one: \(error)")
        }
        func part(_ name: String) throws(DatasetError) -> Data? {
            guard let entry = archive[name] else { return nil }
            var data = Data()
            do { _ = try archive.extract(entry, skipCRC32: false) { data.append($0) } } catch {
                throw .unreadable(file: path, reason: "its part \(name) is damaged: \(error)")
            }
            return data
        }
        guard let workbookXML = try part("xl/workbook.xml") else {
            throw .unreadable(file: path, reason: "it is a ZIP file but not an Excel workbook (no xl/workbook.xml); unpack it first")
        }
        let sheets = XMLScan.elements(named: "sheet", in: workbookXML)
        guard !sheets.isEmpty else { throw .unreadable(file: path, reason: "the workbook has no sheets") }
        let names = sheets.map { $0["name"] ?? "" }
        let chosen: [String: String]
        if let sheet {
            guard let match = sheets.first(where: { $0["name"] == sheet }) else {
                throw .unreadable(file: path, reason: "it has no sheet '\(sheet)'; its sheets are \(names.joined(separator: ", "))")
            }
            chosen = match
        } else {
            chosen = sheets[0]
        }
        let relationshipID = chosen["r:id"] ?? ""
        var target = "worksheets/sheet1.xml"
        if let relationships = try part("xl/_rels/workbook.xml.rels"),
            let relationship = XMLScan.elements(named: "Relationship", in: relationships).first(where: { $0["Id"] == relationshipID }),
            let found = relationship["Target"]
        {
            target = found
        }
        let sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        guard let sheetXML = try part(sheetPath) else {
            throw .unreadable(file: path, reason: "the sheet '\(chosen["name"] ?? "")' (\(sheetPath)) is missing from the workbook")
        }
        let sharedStrings = try part("xl/sharedStrings.xml").map(XMLScan.sharedStrings) ?? []
        let rows = XMLScan.rows(in: sheetXML, sharedStrings: sharedStrings)
        guard let headerIndex = rows.firstIndex(where: { row in row.cells.contains { !$0.isEmpty } }) else {
            throw .empty(file: path)
        }
        var header = rows[headerIndex].cells
        while header.last?.isEmpty == true { header.removeLast() }
        var records: [CSVRecord] = []
        for row in rows[(headerIndex + 1)...] where row.cells.contains(where: { !$0.isEmpty }) {
            var fields = row.cells
            // Excel leaves trailing empty cells out: pad to the header, trim what is empty beyond it.
            if fields.count < header.count { fields += Array(repeating: "", count: header.count - fields.count) }
            while fields.count > header.count, fields.last?.isEmpty == true { fields.removeLast() }
            records.append(CSVRecord(line: row.number, fields: fields))
        }
        return CSVTable(
            file: path, header: header.map { $0.trimmingCharacters(in: .whitespaces) }, records: records,
            delimiter: UInt8(ascii: ","), encoding: .utf8, hadByteOrderMark: false)
    }
}

/// The little of SpreadsheetML the reader needs, parsed with Foundation's XMLParser.
enum XMLScan {
    struct Row {
        let number: Int
        var cells: [String]
    }

    /// The attributes of every element named `name`.
    static func elements(named name: String, in data: Data) -> [[String: String]] {
        let delegate = ElementCollector(name: name)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        parser.parse()
        return delegate.found
    }

    /// The shared strings, rich-text runs joined.
    static func sharedStrings(_ data: Data) -> [String] {
        let delegate = SharedStringCollector()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        parser.parse()
        return delegate.strings
    }

    /// The rows of a worksheet, cells placed by their references.
    static func rows(in data: Data, sharedStrings: [String]) -> [Row] {
        let delegate = SheetCollector(sharedStrings: sharedStrings)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        parser.parse()
        return delegate.rows
    }

    /// The zero-based column of a reference such as `AB12`.
    static func column(of reference: String) -> Int? {
        var number = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) || (97...122).contains(scalar.value) else { break }
            number = number * 26 + Int((scalar.value & ~0x20) - 64)
            letters += 1
        }
        return letters > 0 ? number - 1 : nil
    }

    /// `_xHHHH_` escapes (control characters Excel stores this way) decoded.
    static func unescaped(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "_x") {
            result += rest[..<range.lowerBound]
            let after = rest[range.upperBound...]
            if after.count >= 5, after[after.index(after.startIndex, offsetBy: 4)] == "_",
                let value = UInt32(after.prefix(4), radix: 16), let scalar = UnicodeScalar(value)
            {
                result.unicodeScalars.append(scalar)
                rest = after.dropFirst(5)
            } else {
                result += "_x"
                rest = after
            }
        }
        return result + rest
    }

    final class ElementCollector: NSObject, XMLParserDelegate {
        let name: String
        var found: [[String: String]] = []
        init(name: String) { self.name = name }
        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if elementName == name { found.append(attributes) }
        }
    }

    final class SharedStringCollector: NSObject, XMLParserDelegate {
        var strings: [String] = []
        private var current: String?
        private var inText = false
        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if elementName == "si" { current = "" }
            if elementName == "t" { inText = true }
            if elementName == "rPh" { inText = false }  // phonetic runs are not the text
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText, current != nil { current! += string }
        }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            if elementName == "t" { inText = false }
            if elementName == "si", let text = current {
                strings.append(XMLScan.unescaped(text))
                current = nil
            }
        }
    }

    final class SheetCollector: NSObject, XMLParserDelegate {
        let sharedStrings: [String]
        var rows: [Row] = []
        private var row: Row?
        private var column = 0
        private var type = "n"
        private var value: String?
        private var inValue = false
        private var inInline = false

        init(sharedStrings: [String]) { self.sharedStrings = sharedStrings }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch elementName {
            case "row":
                let number = attributes["r"].flatMap(Int.init) ?? ((rows.last?.number ?? 0) + 1)
                row = Row(number: number, cells: [])
            case "c":
                column = attributes["r"].flatMap(XMLScan.column(of:)) ?? (row?.cells.count ?? 0)
                type = attributes["t"] ?? "n"
                value = nil
            case "v":
                inValue = true
                value = value ?? ""
            case "is":
                inInline = true
                value = value ?? ""
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inValue || inInline { value! += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            switch elementName {
            case "v": inValue = false
            case "is": inInline = false
            case "c":
                guard var current = row else { return }
                let text: String
                switch type {
                case "s": text = Int(value ?? "").flatMap { $0 < sharedStrings.count ? sharedStrings[$0] : nil } ?? ""
                case "b": text = value == "1" ? "TRUE" : value == "0" ? "FALSE" : (value ?? "")
                case "inlineStr", "str": text = XMLScan.unescaped(value ?? "")
                default: text = value.map(Self.number) ?? ""
                }
                if current.cells.count <= column { current.cells += Array(repeating: "", count: column + 1 - current.cells.count) }
                current.cells[column] = text
                row = current
            case "row":
                if let current = row { rows.append(current) }
                row = nil
            default:
                break
            }
        }

        /// A stored number as the shortest text that reads back as it (`218`, not `218.0`).
        static func number(_ stored: String) -> String {
            guard let value = Double(stored) else { return stored }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return "\(value)"
        }
    }
}
