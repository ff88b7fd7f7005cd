#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file in blocks that end just after a line break, so that no block splits a line
/// (nor a CRLF, nor a GB18030 character: line breaks are single ASCII bytes there too).
///
/// A block ends after its last LF, or after its last CR that is followed by another byte
/// than LF; a block without either grows until it has one or the file ends. The bytes after
/// the cut start the next block. A line break inside a quoted field can still cut a record:
/// the streaming reader detects that and joins the blocks.
///
/// Memory: one block, plus the partial line carried over.
final class BlockReader {
    /// One block: its bytes and where they are in the file.
    struct Block {
        var bytes: [UInt8]
        /// The file offset of `bytes[0]`.
        let fileOffset: Int
    }

    let path: String
    private let descriptor: Int32
    let blockSize: Int
    private var carry: [UInt8] = []
    private var offset = 0
    private var atEnd = false
    /// The file's size when it was opened (for estimates).
    let size: Int
    /// Whether the file is a regular file (so it can be read twice and re-read by offset).
    let isRegularFile: Bool

    /// Opens a file.
    ///
    /// - Throws: `DatasetError.unreadable` with the system's reason.
    init(path: String, blockSize: Int) throws(DatasetError) {
        precondition(blockSize >= 16, "Blocks must hold at least 16 bytes")
        self.path = path
        self.blockSize = blockSize
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(file: path, reason: String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .unreadable(file: path, reason: reason)
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw .unreadable(file: path, reason: String(cString: strerror(EISDIR)))
        }
        self.descriptor = descriptor
        size = Int(status.st_size)
        isRegularFile = status.st_mode & S_IFMT == S_IFREG
    }

    deinit {
        close(descriptor)
    }

    /// The next block, or `nil` at the end of the file.
    ///
    /// - Parameter minimumSize: Read at least this many bytes before cutting (the first
    ///   block may need more than one block's worth to hold the header).
    /// - Throws: `DatasetError.unreadable` if a read fails.
    func next(minimumSize: Int = 0) throws(DatasetError) -> Block? {
        // Reuse a returned buffer when there is one: a fresh block-sized array costs a page
        // fault per 4 KiB.
        var bytes = spare.popLast() ?? []
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: carry)
        carry.removeAll(keepingCapacity: true)
        let start = offset - bytes.count
        let target = Swift.max(blockSize, minimumSize)
        if bytes.count < target && !atEnd { try fill(&bytes, adding: target - bytes.count) }
        var searchFrom = 0
        while true {
            if atEnd {
                guard !bytes.isEmpty else { return nil }
                return Block(bytes: bytes, fileOffset: start)
            }
            if let cut = cut(in: bytes, from: searchFrom) {
                if cut < bytes.count { carry.append(contentsOf: bytes[cut...]) }
                bytes.removeSubrange(cut...)
                return Block(bytes: bytes, fileOffset: start)
            }
            // No line break: the line goes on; grow the block, up to the record limit.
            if bytes.count > limits.recordBytes {
                throw .recordTooLong(file: path, line: try line(at: start), limit: limits.recordBytes)
            }
            searchFrom = Swift.max(bytes.count - 1, 0)
            try fill(&bytes, adding: blockSize)
        }
    }

    /// Moves to `fileOffset` (a line start, such as the end of a block read before), so
    /// that the next block starts there.
    ///
    /// - Throws: `DatasetError.unreadable` if the file cannot seek (only regular files can).
    func seek(to fileOffset: Int) throws(DatasetError) {
        guard lseek(descriptor, off_t(fileOffset), SEEK_SET) == off_t(fileOffset) else {
            throw .unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        offset = fileOffset
        carry.removeAll(keepingCapacity: true)
        atEnd = false
    }

    /// Buffers given back with ``recycle(_:)``, reused by ``next(minimumSize:)``.
    private var spare: [[UInt8]] = []

    /// Gives a block's buffer back for reuse (when the caller is done with its bytes).
    func recycle(_ buffer: [UInt8]) {
        if spare.count < 4 && buffer.capacity >= blockSize { spare.append(buffer) }
    }

    /// Reads up to `count` more bytes onto `bytes`; sets `atEnd` when the file ends.
    private func fill(_ bytes: inout [UInt8], adding count: Int) throws(DatasetError) {
        let (added, ended, readError) = SystemIO.append(from: descriptor, count: count, to: &bytes)
        if ended { atEnd = true }
        offset += added
        if readError != 0 { throw .unreadable(file: path, reason: String(cString: strerror(readError))) }
    }

    /// Where a block of `bytes` may end: just after the last LF, or after the last CR that
    /// a byte other than LF follows; `nil` if there is no such line break at or after `from`.
    private func cut(in bytes: [UInt8], from start: Int) -> Int? {
        var index = bytes.count - 1
        while index >= start {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") { return index + 1 }
            if byte == UInt8(ascii: "\r") && index + 1 < bytes.count && bytes[index + 1] != UInt8(ascii: "\n") {
                return index + 1
            }
            index -= 1
        }
        return nil
    }

    /// The longest line accepted (``ReadLimits/recordBytes``).
    var limits = ReadLimits.current

    /// The 1-based physical line of `fileOffset`, counted from the start of the file (for
    /// messages; reads the file up to there again).
    func line(at fileOffset: Int) throws(DatasetError) -> Int {
        var line = 1
        var position = 0
        var previous: UInt8 = 0
        while position < fileOffset {
            let chunk = try read(at: position, count: Swift.min(1 << 20, fileOffset - position))
            for byte in chunk {
                if byte == UInt8(ascii: "\n") {
                    if previous != UInt8(ascii: "\r") { line += 1 }
                } else if byte == UInt8(ascii: "\r") {
                    line += 1
                }
                previous = byte
            }
            position += chunk.count
        }
        return line
    }

    /// Reads `count` bytes at `fileOffset` (to fetch records again by position).
    ///
    /// - Throws: `DatasetError.unreadable` if the file is shorter or a read fails.
    func read(at fileOffset: Int, count: Int) throws(DatasetError) -> [UInt8] {
        let (bytes, readError) = SystemIO.read(descriptor, count: count, at: fileOffset)
        if readError != 0 { throw .unreadable(file: path, reason: String(cString: strerror(readError))) }
        if bytes.count < count { throw .unreadable(file: path, reason: "the file changed while it was read") }
        return bytes
    }
}
