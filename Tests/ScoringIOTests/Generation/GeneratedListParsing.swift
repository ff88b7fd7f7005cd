import ScoringIO

/// A generated prospect list split into lines and fields, for tests.
///
/// The split is deliberately simple and independent of ScoringIO's reader: lines end at
/// `\n` (a `\r` before it is dropped), fields at commas outside double quotes, and a
/// quoted field loses its quotes. The generator never writes a quote inside a field.
struct GeneratedList {
    let header: [String]
    /// The data rows, each as its fields; row `i` (from 0) is file line `i + 2`.
    let rows: [[String]]

    init(_ bytes: [UInt8]) {
        // Split bytes, not characters: Swift reads "\r\n" as one Character.
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        header = lines.isEmpty ? [] : Self.fields(lines[0])
        rows = lines.dropFirst().map(Self.fields)
    }

    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
            } else if character == "," && !quoted {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    /// The index of a column in the header.
    func column(_ name: String) -> Int {
        guard let index = header.firstIndex(of: name) else {
            preconditionFailure("no column \(name)")
        }
        return index
    }

    /// Whether a cell is one of the missing codes.
    static func isMissing(_ cell: String) -> Bool {
        ProspectListGenerator.missingCodes.contains(cell)
    }

    /// A number cell without its unit or thousands separators: `"1,800"`, `1800万`, `35%`.
    static func number(_ cell: String) -> Double? {
        var text = cell.filter { $0 != "," }
        if text.hasSuffix("万") || text.hasSuffix("%") { text.removeLast() }
        return Double(text)
    }
}
