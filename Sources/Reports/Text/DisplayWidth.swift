#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Terminal column widths: CJK characters take two columns, combining marks none.
///
/// TextTable measures `String.count`, which misaligns Chinese names and labels, so the
/// table renderer measures with this instead (East Asian Width, ranges W and F, simplified).
public enum DisplayWidth {
    public static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + width(of: $1) }
    }

    public static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value == 0 || (0x300...0x36F).contains(value) || (0x200B...0x200F).contains(value) { return 0 }
        if (0x1100...0x115F).contains(value) || (0x2E80...0x303E).contains(value)
            || (0x3041...0x33FF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x4E00...0x9FFF).contains(value) || (0xA000...0xA4CF).contains(value)
            || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
            || (0xFFE0...0xFFE6).contains(value) || (0x20000...0x3FFFD).contains(value)
        {
            return 2
        }
        return 1
    }

    /// Cuts `text` to at most `limit` columns, ending in `…` when cut.
    public static func truncate(_ text: String, to limit: Int) -> String {
        guard of(text) > limit else { return text }
        var result = ""
        var used = 0
        for character in text {
            let width = of(String(character))
            if used + width > limit - 1 { break }
            result.append(character)
            used += width
        }
        return result + "…"
    }

    /// Pads `text` with spaces to `width` columns, on the right or (for numbers) the left.
    public static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - of(text)))
        return right ? padding + text : text + padding
    }

    /// Wraps `text` at spaces so that no line is wider than `width` columns; continuation
    /// lines start with `indent`. A word wider than a line is cut.
    public static func wrap(_ text: String, width: Int, indent: String = "    ") -> [String] {
        var lines: [String] = []
        let lead = String(text.prefix { $0 == " " })
        var current = lead
        for word in text.dropFirst(lead.count).split(separator: " ").map(String.init) {
            let fresh = current == lead || current == indent
            let candidate = fresh ? current + word : current + " " + word
            if of(candidate) <= width || fresh {
                current = candidate
            } else {
                lines.append(current)
                current = indent + word
            }
            if of(current) > width {
                lines.append(truncate(current, to: width))
                current = indent
            }
        }
        if current != lead, current != indent { lines.append(current) }
        return lines
    }
}

/// How wide a table may be: `COLUMNS` when set (40 or more), else the terminal's width when
/// standard output is one, else 100 (files, pipes, tests).
public enum TerminalWidth {
    public static let columns: Int = {
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let value = Int(text), value >= 40 {
            return value
        }
        var size = winsize()
        if isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 { return Int(size.ws_col) }
        return 100
    }()
}
