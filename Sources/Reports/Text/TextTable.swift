import ScoringIO

/// A plain text table that fits a terminal: columns separated by two spaces, a rule under
/// the header, widths measured in terminal columns (CJK characters count two), and the
/// last column cut to fit `maxWidth`. `markdown` renders the same rows as a pipe table.
public struct PlainTable {
    public struct Column {
        public let title: String
        public let alignRight: Bool
        /// Widest this column may be (wider cells are cut with `…`); nil: as wide as needed.
        public let maxWidth: Int?

        public init(_ title: String, alignRight: Bool = false, maxWidth: Int? = nil) {
            self.title = title
            self.alignRight = alignRight
            self.maxWidth = maxWidth
        }
    }

    public let columns: [Column]
    public var rows: [[String]] = []

    public init(columns: [Column]) {
        self.columns = columns
    }

    /// Renders the table so that no line is wider than `maxWidth` terminal columns.
    public func render(maxWidth: Int = TerminalWidth.columns) -> String {
        // Control characters in cells (ESC, CR, NUL, line breaks) are shown escaped, so a
        // value cannot move the cursor or break the table.
        var cells = ([columns.map(\.title)] + rows).map { row in
            row.map { InputEcho.escapingControlCharacters($0) }.enumerated().map { index, cell in
                columns[index].maxWidth.map { DisplayWidth.truncate(cell, to: $0) } ?? cell
            }
        }
        var widths = columns.indices.map { index in cells.map { DisplayWidth.of($0[index]) }.max() ?? 0 }
        let separator = 2
        let fixed = widths.dropLast().reduce(0, +) + separator * (columns.count - 1)
        if let last = widths.indices.last, fixed + widths[last] > maxWidth {
            widths[last] = max(4, maxWidth - fixed)
            cells = cells.map { row in
                var row = row
                row[last] = DisplayWidth.truncate(row[last], to: widths[last])
                return row
            }
        }
        func line(_ row: [String]) -> String {
            let padded = row.enumerated().map { index, cell in
                index == row.count - 1 && !columns[index].alignRight
                    ? cell : DisplayWidth.pad(cell, to: widths[index], right: columns[index].alignRight)
            }
            return padded.joined(separator: String(repeating: " ", count: separator))
        }
        var text = line(cells[0]) + "\n"
        text += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for row in cells.dropFirst() { text += line(row) + "\n" }
        return text
    }

    /// The table as a report's `text(markdown:)` writes it: a Markdown pipe table
    /// (``markdown()``) when `markdown` is true, else as ``render(maxWidth:)`` renders it.
    public func text(markdown: Bool, maxWidth: Int = TerminalWidth.columns) -> String {
        markdown ? self.markdown() : render(maxWidth: maxWidth)
    }

    /// Renders the rows as a Markdown pipe table (no width limit; `|` in cells escaped).
    public func markdown() -> String {
        func line(_ row: [String]) -> String {
            "| " + row.map { InputEcho.escapingControlCharacters($0).replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ")
                + " |"
        }
        var text = line(columns.map(\.title)) + "\n"
        text += "|" + columns.map { $0.alignRight ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { text += line(row) + "\n" }
        return text
    }
}
