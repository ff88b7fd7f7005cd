// The home of ScoringIO's pointer code for system calls (see docs/architecture.md, "Where
// unsafe code lives"): reading and writing file descriptors and converting text with iconv.
// Other files of the module call these functions with arrays and get arrays back.

internal import CFileSpace

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

    /// Sequential writes of a regular file straight to the disk (`O_DIRECT`), past the page
    /// cache: a large output file's (``OutputFile``).
    ///
    /// Why: on these virtual machines, filling page-cache pages the host has taken back cost
    /// about a second of processor time per GB, and the output's final `fsync` then waited
    /// for all of it (0.9 s for the 2.2 GB of a ranking of 1e7 rows); written direct, the
    /// bytes cost the processor almost nothing and are on the disk already
    /// (docs/performance.md, "Writing past the page cache").
    ///
    /// `O_DIRECT` needs the memory, the file offset and the length aligned (to
    /// ``alignment`` bytes, which covers devices of 512-byte and 4,096-byte blocks): bytes
    /// are copied into an aligned block and written in whole multiples of the alignment from
    /// an aligned offset; bytes before the first aligned offset and after the last whole
    /// multiple are written through the page cache (the flag is switched with `fcntl`). A
    /// file system that refuses `O_DIRECT` (tmpfs, some network file systems) gets ordinary
    /// writes: `init` fails, or a direct write refused with `EINVAL` turns them off for
    /// good. The bytes and their order are the same either way.
    final class DirectWriter {
        /// The alignment of memory, offsets and lengths of direct writes.
        static let alignment = 4096
        /// The bytes held before a write.
        static let capacity = 4 << 20

        private let descriptor: Int32
        private let block: UnsafeMutableRawPointer
        /// Bytes held in `block`.
        private var count = 0
        /// The file offset of `block`'s first byte (the descriptor's position).
        private var offset: Int
        /// Whether the descriptor has `O_DIRECT` now.
        private var direct = false
        /// Set when a direct write was refused: ordinary writes from then on.
        private var refused = false
        /// The descriptor's flags without `O_DIRECT`.
        private let flags: Int32

        /// Writes to `descriptor` (a regular file open for writing, at position `offset`),
        /// or `nil` when its file system does not take `O_DIRECT` (or the system has none).
        init?(descriptor: Int32, offset: Int) {
            let flags = fcntl(descriptor, F_GETFL)
            guard KAM_O_DIRECT != 0, flags >= 0, fcntl(descriptor, F_SETFL, flags | Int32(KAM_O_DIRECT)) == 0 else {
                return nil
            }
            _ = fcntl(descriptor, F_SETFL, flags)
            self.descriptor = descriptor
            self.offset = offset
            self.flags = flags & ~Int32(KAM_O_DIRECT)
            block = UnsafeMutableRawPointer.allocate(byteCount: Self.capacity, alignment: Self.alignment)
        }

        deinit { block.deallocate() }

        /// Appends bytes, writing the block whenever it fills.
        ///
        /// - Returns: 0, or the `errno` of a failed write.
        func write(_ bytes: [UInt8]) -> Int32 { bytes.withUnsafeBytes { write($0) } }

        /// Appends bytes (see ``write(_:)-([UInt8])``).
        func write(_ bytes: ArraySlice<UInt8>) -> Int32 { bytes.withUnsafeBytes { write($0) } }

        private func write(_ bytes: UnsafeRawBufferPointer) -> Int32 {
            guard let base = bytes.baseAddress else { return 0 }
            var done = 0
            while done < bytes.count {
                let moved = Swift.min(bytes.count - done, Self.capacity - count)
                (block + count).copyMemory(from: base + done, byteCount: moved)
                count += moved
                done += moved
                if count == Self.capacity {
                    let failure = drain(final: false)
                    if failure != 0 { return failure }
                }
            }
            return 0
        }

        /// Writes every byte held (the descriptor is left without `O_DIRECT`).
        ///
        /// - Returns: 0, or the `errno` of a failed write.
        func finish() -> Int32 { drain(final: true) }

        /// Writes the block: through the page cache up to the next aligned offset, direct in
        /// whole multiples of the alignment, and, when `final`, the rest through the page
        /// cache; what is left stays at the block's start.
        private func drain(final: Bool) -> Int32 {
            var start = 0
            let head = Swift.min((Self.alignment - offset % Self.alignment) % Self.alignment, count)
            if head > 0 {
                let failure = send(0..<head, direct: false)
                if failure != 0 { return failure }
                start = head
            }
            if start > 0 && start < count {
                // Direct writes read from an aligned address.
                block.copyMemory(from: block + start, byteCount: count - start)
                count -= start
                start = 0
            }
            let body = (count - start) / Self.alignment * Self.alignment
            if body > 0 {
                let failure = send(start..<(start + body), direct: !refused)
                if failure != 0 { return failure }
                start += body
            }
            if final && start < count {
                let failure = send(start..<count, direct: false)
                if failure != 0 { return failure }
                start = count
            }
            if final { setDirect(false) }
            if start > 0 {
                if start < count { block.copyMemory(from: block + start, byteCount: count - start) }
                count -= start
            }
            return 0
        }

        /// Writes `block[range]` at `offset`, direct or through the page cache; a direct write
        /// refused with `EINVAL` is written through the page cache instead, and so is
        /// everything after it.
        private func send(_ range: Range<Int>, direct wanted: Bool) -> Int32 {
            if wanted && !setDirect(true) { refused = true }
            if !wanted || refused { setDirect(false) }
            var done = 0
            let failure = SystemIO.transferAll(range.count, nothingMoved: EIO) { written in
                let result = systemWrite(descriptor, block + range.lowerBound + written, range.count - written)
                if result > 0 { done = written + result }
                return result
            }
            offset += done
            if failure == EINVAL && direct && done % Self.alignment == 0 {
                refused = true
                setDirect(false)
                return send((range.lowerBound + done)..<range.upperBound, direct: false)
            }
            return failure
        }

        /// Sets or clears `O_DIRECT` on the descriptor.
        ///
        /// - Returns: Whether the descriptor now is as asked.
        @discardableResult
        private func setDirect(_ on: Bool) -> Bool {
            guard on != direct else { return true }
            guard fcntl(descriptor, F_SETFL, on ? flags | Int32(KAM_O_DIRECT) : flags) == 0 else { return false }
            direct = on
            return true
        }
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
