/// What pass 1 of a stream keeps of each merged chunk so that pass 2 can score it without
/// reading the file again: its candidates' positions, absolute lines and registry entries
/// (`-1` for a duplicate id), their completeness and their raw factor values (category
/// codes as doubles, NaN where missing), exactly as pass 1's panels held them; and, for a
/// ranking of every row, their records' text (so that the rows are written from the sorted
/// runs, never read again from the file).
///
/// Batch-relative scales (`minmax`, `zscore`) need the whole list's statistics before any
/// utility; instead of parsing the file twice, the raw values parsed once are kept here
/// and scored once the statistics are known (``ChunkMapper/score(_:)``), in the same panels
/// of the same rows, so the scores are the same to the last bit.
///
/// Storage: the first chunks in memory, up to ``memoryBudget`` bytes (writing them to a file
/// and reading them back cost the merging thread and the workers system time); the rest in
/// one unlinked ``TemporaryFile`` (gone when the process ends, however it ends), written once
/// in file order and read back chunk by chunk. About `8 × factors + 40` bytes per candidate
/// (plus its record's bytes when text is kept). The page cache usually holds the file, so
/// pass 2 reads memory, not disk, and the process's own memory stays bounded.
final class RawSpill: @unchecked Sendable {
    /// One stored chunk: in ``RawSpill/held`` at `offset` when `inMemory`, else in the file.
    struct Record: Sendable {
        var offset: Int
        var count: Int
        var textLength: Int
        var block: Int32
        var inMemory = false
    }

    let factorCount: Int
    /// Whether each candidate's record text is kept too (a ranking of every row).
    let keepsText: Bool
    /// Bytes of chunks kept in memory before the rest go to the file.
    let memoryBudget: Int
    private(set) var records: [Record] = []
    /// The chunks kept in memory. Appended only by pass 1's merging thread; pass 2's workers
    /// only read them, after pass 1.
    private var held: [Chunk] = []
    private var heldBytes = 0
    private var file: TemporaryFile?
    private var written = 0

    /// The default ``memoryBudget``: 256 MiB for top-K rankings (about two million rows of 12
    /// factors), none when the records' text is kept (a ranking of every row, which must
    /// stay within its own memory target).
    static func defaultMemoryBudget(keepsText: Bool) -> Int { keepsText ? 0 : 256 << 20 }

    init(factorCount: Int, keepsText: Bool = false, memoryBudget: Int? = nil) {
        self.factorCount = factorCount
        self.keepsText = keepsText
        self.memoryBudget = memoryBudget ?? Self.defaultMemoryBudget(keepsText: keepsText)
    }

    /// Bytes per candidate in the file (without its text).
    var rowBytes: Int { 8 + 4 + 4 + 8 + 8 + 8 + 8 * factorCount }

    /// A chunk's stored rows, in file order.
    struct Chunk {
        var lines: [Int] = []
        var starts: [Int32] = []
        var lengths: [Int32] = []
        /// The candidate's entry in the pass-1 registry, or -1 when its id was a duplicate.
        var entries: [Int] = []
        var completeness: [Double] = []
        /// Deal values (NaN where missing).
        var dealValues: [Double] = []
        /// `count × factorCount` raw values, row-major.
        var raw: [Double] = []
        /// The candidates' records (UTF-8, `lengths[i]` bytes each), back to back, when the
        /// spill keeps text; else empty.
        var text: [UInt8] = []
        var block: Int32 = 0
        var count: Int { lines.count }
    }

    /// Appends a chunk.
    func append(_ chunk: Chunk) throws(DatasetError) {
        precondition(chunk.raw.count == chunk.count * factorCount, "A stored chunk holds every raw value")
        precondition(chunk.dealValues.count == chunk.count, "A stored chunk holds every deal value")
        guard chunk.count > 0 else { return }
        let bytes = chunk.count * rowBytes + chunk.text.count
        if heldBytes + bytes <= memoryBudget {
            heldBytes += bytes
            records.append(
                Record(offset: held.count, count: chunk.count, textLength: chunk.text.count, block: chunk.block, inMemory: true))
            held.append(chunk)
            return
        }
        if self.file == nil { self.file = try TemporaryFile(prefix: "raw", contents: Self.contents, advice: Self.advice) }
        guard let file else { return }
        let start = written
        func write<Element: BitwiseCopyable>(_ values: [Element]) throws(DatasetError) {
            try file.write(values, at: written)
            written += values.count * MemoryLayout<Element>.stride
        }
        try write(chunk.lines)
        try write(chunk.starts)
        try write(chunk.lengths)
        try write(chunk.entries)
        try write(chunk.completeness)
        try write(chunk.dealValues)
        try write(chunk.raw)
        try write(chunk.text)
        records.append(Record(offset: start, count: chunk.count, textLength: chunk.text.count, block: chunk.block))
    }

    /// Reads stored chunk `index` back for the last time: a chunk read from the file gives
    /// its pages back to the system (``TemporaryFile/release(_:of:)``), so it cannot be read
    /// again.
    func take(_ index: Int) throws(DatasetError) -> Chunk {
        let chunk = try read(index)
        let record = records[index]
        if !record.inMemory, let file {
            let region = record.offset..<(record.offset + record.count * rowBytes + record.textLength)
            file.release(region, of: region)
        }
        return chunk
    }

    /// Reads stored chunk `index` back.
    func read(_ index: Int) throws(DatasetError) -> Chunk {
        let record = records[index]
        if record.inMemory { return held[record.offset] }
        guard let file else { preconditionFailure("A stored chunk was written") }
        var offset = record.offset
        func read<Element: BitwiseCopyable>(_ count: Int) throws(DatasetError) -> [Element] {
            let values: [Element] = try file.read(count: count, at: offset)
            offset += count * MemoryLayout<Element>.stride
            return values
        }
        var chunk = Chunk()
        chunk.block = record.block
        chunk.lines = try read(record.count)
        chunk.starts = try read(record.count)
        chunk.lengths = try read(record.count)
        chunk.entries = try read(record.count)
        chunk.completeness = try read(record.count)
        chunk.dealValues = try read(record.count)
        chunk.raw = try read(record.count * factorCount)
        chunk.text = try read(record.textLength)
        return chunk
    }

    static let contents = "the raw values kept for batch-relative scales"
    static let advice = "free some space or set TMPDIR to another folder"
}
