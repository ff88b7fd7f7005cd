import ScoringIO

/// Where a renderer writes text: standard output, a file, or a string in tests.
///
/// Renderers write piece by piece so that a million-row report never sits in memory twice.
public protocol OutputSink {
    mutating func write(_ text: String)
    /// Writes UTF-8 bytes (a ``CSVRecordBuffer``'s records).
    mutating func write(bytes: [UInt8])
    mutating func flush()
}

/// Collects output in memory (tests, small reports).
public struct StringSink: OutputSink {
    public var text = ""

    public init() {}

    public mutating func write(_ text: String) { self.text += text }
    public mutating func write(bytes: [UInt8]) { text += String(decoding: bytes, as: UTF8.self) }
    public mutating func flush() {}
}

/// Collects UTF-8 output in memory as the blocks it was written in (rows formatted ahead,
/// see ``RankReport/formattedAhead(as:)``): a writer's blocks are kept as they are, not
/// copied into one growing array (whose doublings would reach sizes the allocator maps
/// afresh, page by page, for every page of a large ranking).
public struct BlockSink: OutputSink {
    public var blocks: [[UInt8]] = []

    public init() {}

    public mutating func write(_ text: String) { blocks.append(Array(text.utf8)) }
    public mutating func write(bytes: [UInt8]) { blocks.append(bytes) }
    public mutating func flush() {}
}
