#if canImport(Glibc)
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
