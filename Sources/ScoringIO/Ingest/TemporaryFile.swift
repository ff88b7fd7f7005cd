#if canImport(Glibc)
internal import CFileSpace
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An unlinked temporary file in `$TMPDIR` (or `/tmp`) that plain values are written to and
/// read back from by position: the storage of ``RankedRuns`` (sorted runs of a ranking) and
/// ``RawSpill`` (the raw values a statistics pass keeps).
///
/// The file is unlinked as soon as it is created, so it disappears when the process ends,
/// however it ends. This file holds the pointer code of both (`pwrite` and `pread` into
/// array storage), so that it is in one place.
final class TemporaryFile {
    private let descriptor: Int32

    /// What the file holds, for error messages ("the ranking's temporary runs").
    let contents: String
    /// What a user can do when it cannot be written, for error messages.
    let advice: String

    /// Creates and unlinks a temporary file named `kam-<prefix>-XXXXXX`.
    ///
    /// - Throws: `DatasetError.unreadable` naming the folder, if it cannot be created.
    init(prefix: String, contents: String, advice: String) throws(DatasetError) {
        self.contents = contents
        self.advice = advice
        var template = Array((Self.folder + "/kam-\(prefix)-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { name in
            guard let base = name.baseAddress else { return Int32(-1) }
            let descriptor = mkstemp(base)
            if descriptor >= 0 { unlink(base) }
            return descriptor
        }
        guard descriptor >= 0 else { throw Self.error(errno, writing: true, contents: contents, advice: advice) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The folder for temporary files: `$TMPDIR`, or `/tmp`.
    static var folder: String {
        if let folder = getenv("TMPDIR"), folder.pointee != 0 { return String(cString: folder) }
        return "/tmp"
    }

    /// Writes the bytes of `values` at byte `offset`.
    ///
    /// - Throws: `DatasetError.unreadable` (a full disk, say).
    func write<Element: BitwiseCopyable>(_ values: some ContiguousCollection<Element>, at offset: Int) throws(DatasetError) {
        var failure: Int32 = 0
        values.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            failure = SystemIO.transferAll(bytes.count, nothingMoved: ENOSPC) { done in
                pwrite(descriptor, base + done, bytes.count - done, off_t(offset + done))
            }
        }
        if failure != 0 { throw Self.error(failure, writing: true, contents: contents, advice: advice) }
    }

    /// Reads `count` values written at byte `offset`.
    ///
    /// - Throws: `DatasetError.unreadable` if they cannot be read back.
    func read<Element: BitwiseCopyable>(count: Int, at offset: Int) throws(DatasetError) -> [Element] {
        let total = count * MemoryLayout<Element>.stride
        var failed: Int32 = 0
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            guard let base = UnsafeMutableRawPointer(buffer.baseAddress) else { return }
            failed = SystemIO.transferAll(total, nothingMoved: EIO) { done in
                pread(descriptor, base + done, total - done, off_t(offset + done))
            }
            if failed == 0 { initialized = count }
        }
        if failed != 0 { throw Self.error(failed, writing: false, contents: contents, advice: advice) }
        return values
    }

    /// Gives the pages of `consumed` back to the system once they were read for the last
    /// time, so that they read as zeros afterwards (a hole in the file).
    ///
    /// Only whole pages are given back, of the bytes from `region.lowerBound` up to
    /// `consumed.upperBound`, which must all have been read for the last time (the bytes of a
    /// run or a chunk read in order from the start of its region): a page shared with bytes
    /// outside that span is kept. Pages wholly before the page of `consumed.lowerBound` are
    /// taken to be given back already.
    ///
    /// Why: a spill of a large list is gigabytes of page cache, and memory the system freed
    /// seconds ago is several times cheaper to fill than memory it freed long ago (on these
    /// virtual machines the host takes back free memory after about two seconds, and has to
    /// give it again on first touch: docs/performance.md). Pages given back as they are read
    /// are filled again at once by the next writes (the runs written in pass 2).
    /// Best effort: where the file system cannot punch holes, or not on Linux, nothing is
    /// given back, and nothing else changes.
    func release(_ consumed: Range<Int>, of region: Range<Int>) {
        let page = Self.pageSize
        let start = Swift.max((region.lowerBound + page - 1) / page, consumed.lowerBound / page) * page
        let end = Swift.min(consumed.upperBound, region.upperBound) / page * page
        guard end > start else { return }
        #if os(Linux)
        _ = fallocate(descriptor, Self.punchHole | Self.keepSize, start, end - start)
        #endif
    }

    /// `FALLOC_FL_PUNCH_HOLE` and `FALLOC_FL_KEEP_SIZE` (linux/falloc.h).
    private static let punchHole: Int32 = 0x02
    private static let keepSize: Int32 = 0x01
    private static let pageSize = Swift.max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)

    /// The error for a failed write or read: the folder, the system's reason and what to do.
    static func error(_ code: Int32, writing: Bool, contents: String, advice: String) -> DatasetError {
        .unreadable(
            file: folder,
            reason: "cannot \(writing ? "write" : "read back") \(contents) there "
                + "(\(String(cString: strerror(code)))); \(advice)")
    }
}

/// Array storage whose bytes can be written as they are.
protocol ContiguousCollection<Element> {
    associatedtype Element
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result
}

extension Array: ContiguousCollection {}
extension ArraySlice: ContiguousCollection {}
