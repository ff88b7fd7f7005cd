import Foundation
import Reports
import ScoringIO

/// Writes output through ``OutputFile``: standard output, or a file replaced atomically (a
/// device or pipe written into). Writes never throw; the first failure is kept and
/// ``finish()`` reports it (exit 74), after which the old file is still in place.
///
/// For `table` and `markdown` output, control characters other than line feeds are escaped
/// (`\e`, `\r`, `\0`, …), so no input value can send escape sequences to a terminal.
struct FileSink: OutputSink {
    let file: OutputFile
    /// Whether control characters are escaped (table and markdown output).
    var escapesControlCharacters = false

    init(file: OutputFile, escapesControlCharacters: Bool = false) {
        self.file = file
        self.escapesControlCharacters = escapesControlCharacters
    }

    /// Standard output.
    static func standardOutput(escapesControlCharacters: Bool = false) -> FileSink {
        FileSink(file: .standardOutput(), escapesControlCharacters: escapesControlCharacters)
    }

    /// Standard output for a report in `format` (see ``escapesControlCharacters(in:)``).
    static func standardOutput(for format: OutputFormat) -> FileSink {
        .standardOutput(escapesControlCharacters: escapesControlCharacters(in: format))
    }

    /// Whether output in `format` escapes control characters: a table or markdown.
    static func escapesControlCharacters(in format: OutputFormat) -> Bool {
        format == .table || format == .markdown
    }

    /// `path`, or standard output when `nil`, opened for `format`; the output may not be any
    /// of `inputs`.
    ///
    /// - Throws: `CLIError.output` (exit 73, or 64 for an input given as the output).
    static func open(_ path: String?, format: OutputFormat, protecting inputs: [ProtectedInput] = []) throws -> FileSink {
        guard let path else { return .standardOutput(for: format) }
        do {
            return FileSink(
                file: try OutputFile(path: path, protecting: inputs),
                escapesControlCharacters: escapesControlCharacters(in: format))
        } catch {
            throw CLIError.output(error)
        }
    }

    /// Writes `text` to `path` (standard output when `nil`) opened for `format`, and
    /// finishes: ``open(_:format:protecting:)``, ``write(_:)`` and ``finish()`` in one call.
    /// The text is made once the output is open, so an output that cannot be opened is
    /// refused before any work on the text.
    ///
    /// - Throws: `CLIError.output` (exit 73, 64 for an input given as the output, 74 for a
    ///   failed write).
    static func write(
        _ text: @autoclosure () -> String, to path: String? = nil, format: OutputFormat,
        protecting inputs: [ProtectedInput] = []
    ) throws {
        var sink = try open(path, format: format, protecting: inputs)
        sink.write(text())
        try sink.finish()
    }

    mutating func write(_ text: String) {
        file.write(escapesControlCharacters ? InputEcho.escapingControlCharacters(text, keeping: ["\n"]) : text)
    }

    mutating func write(bytes: [UInt8]) {
        file.write(bytes)
    }

    /// Writes what is buffered; a failure is kept for ``finish()``.
    mutating func flush() {
        try? file.flush()
    }

    /// Writes everything and closes (or renames into place) the output.
    ///
    /// - Throws: `CLIError.output` with the first failure (exit 74).
    func finish() throws {
        do {
            try file.commit()
        } catch {
            throw CLIError.output(error)
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    // write(2) directly: FileHandle.write(_:) traps (`try!`) when the write fails, and a
    // message that cannot be shown must not turn into a crash.
    // Control characters from input values are shown escaped: no raw ESC, CR or NUL.
    var line = InputEcho.escapingControlCharacters(text, keeping: ["\n"]) + "\n"
    line.withUTF8 { bytes in
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let result = standardErrorWrite(2, base + done, bytes.count - done)
            if result > 0 {
                done += result
            } else if !(result < 0 && errno == EINTR) {
                return
            }
        }
    }
}

/// Whether standard error is a terminal (progress is shown only there).
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

#if canImport(Darwin)
private let standardErrorWrite = Darwin.write
#else
private let standardErrorWrite = Glibc.write
#endif
