/// Passes on only the chosen columns of the CSV written into it (`--columns`), in the chosen
/// order, record by record as the bytes arrive: the writer before it need not know, and a
/// ranking written page by page stays in bounded memory.
///
/// Fields are passed on as written (quotes, escapes and formula guards kept). The first
/// record is the header; a chosen name it lacks stops all output and is reported in
/// ``unknownColumns``.
public struct ColumnSelectingSink<Base: OutputSink>: OutputSink {
    public var base: Base
    public let names: [String]
    /// Chosen names the header lacks (after the header has been written).
    public private(set) var unknownColumns: [String] = []
    /// The header's names, once read.
    public private(set) var header: [String]?
    private var picks: [Int] = []
    /// Bytes of a record not yet complete.
    private var pending: [UInt8] = []
    private var output: [UInt8] = []

    public init(base: Base, columns: [String]) {
        self.base = base
        self.names = columns
    }

    public mutating func write(_ text: String) { write(bytes: Array(text.utf8)) }

    public mutating func write(bytes: [UInt8]) {
        pending += bytes
        var start = 0
        var inQuotes = false
        var fieldStarts: [Int] = [0]
        var index = 0
        while index < pending.count {
            let byte = pending[index]
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes, byte == UInt8(ascii: ",") {
                fieldStarts.append(index + 1)
            } else if !inQuotes, byte == UInt8(ascii: "\n") {
                emit(record: start..<index, fieldStarts: fieldStarts)
                start = index + 1
                fieldStarts = [start]
            }
            index += 1
        }
        pending.removeFirst(start)
        if output.count >= 1 << 16 { flushOutput() }
    }

    /// Writes the chosen fields of the record in `range` (without its line feed).
    private mutating func emit(record range: Range<Int>, fieldStarts: [Int]) {
        guard unknownColumns.isEmpty else { return }
        var fields: [Range<Int>] = []
        for (position, start) in fieldStarts.enumerated() {
            var end = position + 1 < fieldStarts.count ? fieldStarts[position + 1] - 1 : range.upperBound
            if end > start, pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            fields.append(start..<max(start, end))
        }
        if header == nil {
            let names = fields.map { String(decoding: pending[$0], as: UTF8.self) }
            header = names
            unknownColumns = self.names.filter { !names.contains($0) }
            guard unknownColumns.isEmpty else { return }
            picks = self.names.map { names.firstIndex(of: $0)! }
        }
        for (position, pick) in picks.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            if pick < fields.count { output += pending[fields[pick]] }
        }
        output.append(UInt8(ascii: "\n"))
    }

    private mutating func flushOutput() {
        guard !output.isEmpty else { return }
        base.write(bytes: output)
        output.removeAll(keepingCapacity: true)
    }

    public mutating func flush() {
        flushOutput()
        base.flush()
    }

    /// Writes what is left (a last record without a line feed included).
    public mutating func finish() {
        if !pending.isEmpty { write(bytes: [UInt8(ascii: "\n")]) }
        flushOutput()
    }
}
