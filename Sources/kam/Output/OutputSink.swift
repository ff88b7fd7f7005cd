import Foundation

/// Where a renderer writes text: standard output, a file, or a string in tests.
///
/// Renderers write piece by piece so that a million-row report never sits in memory twice.
protocol OutputSink {
    mutating func write(_ text: String)
    /// Writes UTF-8 bytes (a ``CSVRecordBuffer``'s records).
    mutating func write(bytes: [UInt8])
    mutating func flush()
}

/// Collects output in memory (tests, small reports).
struct StringSink: OutputSink {
    var text = ""
    mutating func write(_ text: String) { self.text += text }
    mutating func write(bytes: [UInt8]) { text += String(decoding: bytes, as: UTF8.self) }
    mutating func flush() {}
}

/// Buffers output and writes it to a file descriptor in chunks of about 1 MiB.
struct FileSink: OutputSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    /// Opens (creating or truncating) a file for writing.
    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CLIError.cannotWrite(path)
        }
        self.init(handle: try FileHandle(forWritingTo: URL(fileURLWithPath: path)))
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Whether standard error is a terminal (progress is shown only there).
var standardErrorIsTerminal: Bool { isatty(2) == 1 }
