#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What pass 1 of a stream keeps of each merged chunk so that pass 2 can score it without
/// reading the file again: its candidates' positions, absolute lines and registry entries
/// (`-1` for a duplicate id), their completeness and their raw factor values (category
/// codes as doubles, NaN where missing), exactly as pass 1's panels held them.
///
/// Batch-relative scales (`minmax`, `zscore`) need the whole list's statistics before any
/// utility; instead of parsing the file twice, the raw values parsed once are kept here
/// and scored once the statistics are known (``ChunkMapper/score(_:)``), in the same panels
/// of the same rows, so the scores are the same to the last bit.
///
/// Storage: one unlinked temporary file in `$TMPDIR` (gone when the process ends, however
/// it ends), written once in file order and read back chunk by chunk; about
/// `8 × factors + 28` bytes per candidate. The page cache usually holds it, so pass 2 reads
/// memory, not disk, and the process's own memory stays bounded.
final class RawSpill: @unchecked Sendable {
    /// One stored chunk.
    struct Record: Sendable {
        var offset: Int
        var count: Int
        var block: Int32
    }

    let factorCount: Int
    private(set) var records: [Record] = []
    private var descriptor: Int32 = -1
    private var written = 0

    init(factorCount: Int) {
        self.factorCount = factorCount
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Bytes per candidate in the file.
    var rowBytes: Int { 8 + 4 + 4 + 8 + 8 + 8 * factorCount }

    /// A chunk's stored rows, in file order.
    struct Chunk {
        var lines: [Int] = []
        var starts: [Int32] = []
        var lengths: [Int32] = []
        /// The candidate's entry in the pass-1 registry, or -1 when its id was a duplicate.
        var entries: [Int] = []
        var completeness: [Double] = []
        /// `count × factorCount` raw values, row-major.
        var raw: [Double] = []
        var block: Int32 = 0
        var count: Int { lines.count }
    }

    /// Appends a chunk.
    func append(_ chunk: Chunk) throws(DatasetError) {
        precondition(chunk.raw.count == chunk.count * factorCount, "A stored chunk holds every raw value")
        guard chunk.count > 0 else { return }
        if descriptor < 0 { descriptor = try Self.temporaryFile() }
        let start = written
        try write(chunk.lines)
        try write(chunk.starts)
        try write(chunk.lengths)
        try write(chunk.entries)
        try write(chunk.completeness)
        try write(chunk.raw)
        records.append(Record(offset: start, count: chunk.count, block: chunk.block))
    }

    /// Reads stored chunk `index` back.
    func read(_ index: Int) throws(DatasetError) -> Chunk {
        let record = records[index]
        var offset = record.offset
        var chunk = Chunk()
        chunk.block = record.block
        chunk.lines = try read(count: record.count, at: &offset)
        chunk.starts = try read(count: record.count, at: &offset)
        chunk.lengths = try read(count: record.count, at: &offset)
        chunk.entries = try read(count: record.count, at: &offset)
        chunk.completeness = try read(count: record.count, at: &offset)
        chunk.raw = try read(count: record.count * factorCount, at: &offset)
        return chunk
    }

    private func write<Element: BitwiseCopyable>(_ values: [Element]) throws(DatasetError) {
        var failure: Int32 = 0
        values.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var done = 0
            while done < bytes.count {
                let result = pwrite(descriptor, base + done, bytes.count - done, off_t(written + done))
                if result > 0 {
                    done += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    failure = result < 0 ? errno : ENOSPC
                    return
                }
            }
        }
        if failure != 0 { throw Self.error(failure, writing: true) }
        written += values.count * MemoryLayout<Element>.stride
    }

    private func read<Element: BitwiseCopyable>(count: Int, at offset: inout Int) throws(DatasetError) -> [Element] {
        let total = count * MemoryLayout<Element>.stride
        let start = offset
        var failed: Int32 = 0
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            guard let base = UnsafeMutableRawPointer(buffer.baseAddress) else { return }
            var done = 0
            while done < total {
                let result = pread(descriptor, base + done, total - done, off_t(start + done))
                if result > 0 {
                    done += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    failed = result < 0 ? errno : EIO
                    return
                }
            }
            initialized = count
        }
        if failed != 0 { throw Self.error(failed, writing: false) }
        offset += total
        return values
    }

    /// Creates and unlinks a temporary file; returns its descriptor.
    private static func temporaryFile() throws(DatasetError) -> Int32 {
        var template = Array((RankedRuns.temporaryFolder + "/kam-raw-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { name in
            guard let base = name.baseAddress else { return Int32(-1) }
            let descriptor = mkstemp(base)
            if descriptor >= 0 { unlink(base) }
            return descriptor
        }
        guard descriptor >= 0 else { throw error(errno, writing: true) }
        return descriptor
    }

    private static func error(_ code: Int32, writing: Bool) -> DatasetError {
        .unreadable(
            file: RankedRuns.temporaryFolder,
            reason: "cannot \(writing ? "write" : "read back") the raw values kept for batch-relative scales there "
                + "(\(String(cString: strerror(code)))); free some space or set TMPDIR to another folder")
    }
}
