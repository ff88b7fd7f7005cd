// The home of ScoringIO's pointer code for system calls (see docs/architecture.md, "Where
// unsafe code lives"): reading and writing file descriptors and converting text with iconv.
// Other files of the module call these functions with arrays and get arrays back.

#if canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
private let systemWrite = Darwin.write
#else
import Glibc
private let systemRead = Glibc.read
private let systemWrite = Glibc.write
#endif

/// Reads and writes of file descriptors, retried on `EINTR`; errors come back as `errno`
/// values (0: none) for the caller to word.
enum SystemIO {
    /// Appends up to `count` bytes read from `descriptor`'s position to `bytes`, fewer when the
    /// file ends first.
    ///
    /// - Returns: The bytes added, whether the file ended, and the `errno` of a failed read
    ///   (0 if none; the bytes read before it are kept).
    static func append(from descriptor: Int32, count: Int, to bytes: inout [UInt8]) -> (added: Int, atEnd: Bool, error: Int32) {
        let before = bytes.count
        // Append in place: grow to the target size, read into the tail, then shrink back.
        bytes.append(contentsOf: repeatElement(0, count: count))
        let (added, atEnd, error) = bytes.withUnsafeMutableBufferPointer { buffer in
            fill(buffer.baseAddress.map { $0 + before }, count: count) { base, wanted, _ in systemRead(descriptor, base, wanted) }
        }
        bytes.removeSubrange((before + added)...)
        return (added, atEnd, error)
    }

    /// Reads up to `count` bytes from `descriptor`'s position, fewer when the file ends first.
    ///
    /// - Returns: The bytes read, and the `errno` of a failed read (0 if none).
    static func read(_ descriptor: Int32, upTo count: Int) -> (bytes: [UInt8], error: Int32) {
        read(count) { base, wanted, _ in systemRead(descriptor, base, wanted) }
    }

    /// Reads `count` bytes at `offset` (`pread`, the descriptor's position unchanged).
    ///
    /// - Returns: The bytes read (fewer when the file is shorter), and the `errno` of a
    ///   failed read (0 if none).
    static func read(_ descriptor: Int32, count: Int, at offset: Int) -> (bytes: [UInt8], error: Int32) {
        read(count) { base, wanted, done in pread(descriptor, base, wanted, off_t(offset + done)) }
    }

    /// Up to `count` bytes from `call(at, bytes wanted, bytes read so far)` (see
    /// ``fill(_:count:_:)``).
    private static func read(
        _ count: Int, _ call: (UnsafeMutableRawPointer, Int, Int) -> Int
    ) -> (bytes: [UInt8], error: Int32) {
        var error: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            (initialized, _, error) = fill(buffer.baseAddress, count: count, call)
        }
        return (bytes, error)
    }

    /// Calls `call(at, bytes wanted, bytes filled so far)` until `count` bytes are in `base`
    /// or a call returns 0 (the end) or fails (other than `EINTR`).
    ///
    /// - Returns: The bytes filled, whether the end came first, and the failure's `errno`.
    private static func fill(
        _ base: UnsafeMutablePointer<UInt8>?, count: Int, _ call: (UnsafeMutableRawPointer, Int, Int) -> Int
    ) -> (filled: Int, atEnd: Bool, error: Int32) {
        guard let base else { return (0, false, 0) }
        var filled = 0
        while filled < count {
            let result = call(base + filled, count - filled, filled)
            if result > 0 {
                filled += result
            } else if result == 0 {
                return (filled, true, 0)
            } else if errno != EINTR {
                return (filled, false, errno)
            }
        }
        return (filled, false, 0)
    }

    /// Writes all of `bytes` to `descriptor`.
    ///
    /// - Returns: 0 when everything was written; else the `errno` of the failed write (`EIO`
    ///   for a write that wrote nothing).
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { writeAll(descriptor, $0) }
    }

    /// Writes all of `bytes` to `descriptor` (see ``writeAll(_:_:)-([UInt8])``).
    static func writeAll(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>) -> Int32 {
        bytes.withUnsafeBytes { writeAll(descriptor, $0) }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard let base = bytes.baseAddress else { return 0 }
        return transferAll(bytes.count, nothingMoved: EIO) { done in
            systemWrite(descriptor, base + done, bytes.count - done)
        }
    }

    /// Calls `transfer(done)`, one `write`, `pwrite` or `pread` of the bytes from `done` on,
    /// until `total` bytes are moved, again after an interrupted call (`EINTR`).
    ///
    /// - Returns: 0, or the failure's `errno` (`nothingMoved` for a call that moved no byte).
    static func transferAll(_ total: Int, nothingMoved: Int32, _ transfer: (_ done: Int) -> Int) -> Int32 {
        var done = 0
        while done < total {
            let result = transfer(done)
            if result > 0 {
                done += result
            } else if result < 0 && errno == EINTR {
                continue
            } else {
                return result < 0 ? errno : nothingMoved
            }
        }
        return 0
    }

    /// One `iconv` call converting `bytes[range]` with `converter` into an output of
    /// `capacity` bytes.
    ///
    /// - Returns: The output; `needsMoreRoom` when it did not fit (`E2BIG`: convert again
    ///   with more capacity, after resetting the converter); `invalidOffset`, the offset in
    ///   `bytes` of the first byte not converted, for an invalid or cut-off sequence.
    static func iconvOnce(
        _ converter: iconv_t, _ bytes: [UInt8], _ range: Range<Int>, capacity: Int
    ) -> (output: [UInt8], needsMoreRoom: Bool, invalidOffset: Int?) {
        var needsMoreRoom = false
        var invalidOffset: Int? = nil
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { outputBuffer, initializedCount in
            initializedCount = 0
            bytes.withUnsafeBufferPointer { inputBuffer in
                guard let inputBase = inputBuffer.baseAddress, let outputBase = outputBuffer.baseAddress else { return }
                // iconv takes `char **` for its input although it never writes through it.
                var input: UnsafeMutablePointer<CChar>? =
                    UnsafeMutableRawPointer(mutating: inputBase + range.lowerBound)
                    .assumingMemoryBound(to: CChar.self)
                var inputLeft = range.count
                var outputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBase)
                    .assumingMemoryBound(to: CChar.self)
                var outputLeft = outputBuffer.count
                let result = iconv(converter, &input, &inputLeft, &outputPointer, &outputLeft)
                initializedCount = outputBuffer.count - outputLeft
                if result == -1 {
                    if errno == E2BIG {
                        needsMoreRoom = true
                    } else {
                        // EILSEQ (invalid) and EINVAL (cut off at the end) both leave the
                        // input pointer at the first byte not converted.
                        invalidOffset = range.upperBound - inputLeft
                    }
                }
            }
        }
        return (output, needsMoreRoom, invalidOffset)
    }
}
