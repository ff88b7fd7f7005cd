#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts GB18030 bytes to UTF-8 with the C library's iconv.
///
/// GB18030 is stateless and a superset of ASCII, so line breaks, quotes and delimiters keep
/// their byte values and a failing offset in the input can be turned into a line number by
/// counting line breaks before it.
enum GB18030Decoder {
    /// Why a conversion failed.
    enum Failure: Error, Equatable {
        /// The input is not valid GB18030 from this byte offset on (EILSEQ, or a sequence
        /// cut off by the end of the input: EINVAL).
        case invalidSequence(offset: Int)
        /// iconv has no GB18030 converter (glibc's gconv modules are missing).
        case unavailable(reason: String)
    }

    /// Converts `bytes[start...]` from GB18030 to UTF-8.
    ///
    /// - Returns: The UTF-8 bytes, valid by construction.
    /// - Throws: `Failure.invalidSequence` with an offset into `bytes`.
    /// - Complexity: O(*n*); the output is at most 1.5 times the input.
    static func utf8Bytes(from bytes: [UInt8], start: Int = 0) throws(Failure) -> [UInt8] {
        let converter = iconv_open("UTF-8", "GB18030")
        // iconv_open signals failure with (iconv_t)-1.
        guard let converter, Int(bitPattern: converter) != -1 else {
            throw .unavailable(reason: String(cString: strerror(errno)))
        }
        defer { iconv_close(converter) }

        let inputCount = bytes.count - start
        // Two-byte GBK characters become three UTF-8 bytes; four-byte ones at most four.
        var capacity = inputCount + inputCount / 2 + 16
        while true {
            var failure: Failure? = nil
            var needsMoreRoom = false
            let output = [UInt8](unsafeUninitializedCapacity: capacity) { outputBuffer, initializedCount in
                initializedCount = 0
                bytes.withUnsafeBufferPointer { inputBuffer in
                    guard let inputBase = inputBuffer.baseAddress, let outputBase = outputBuffer.baseAddress
                    else { return }
                    // iconv takes `char **` for its input although it never writes through it.
                    var input: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inputBase + start)
                        .assumingMemoryBound(to: CChar.self)
                    var inputLeft = inputCount
                    var outputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBase)
                        .assumingMemoryBound(to: CChar.self)
                    var outputLeft = outputBuffer.count
                    let result = iconv(converter, &input, &inputLeft, &outputPointer, &outputLeft)
                    initializedCount = outputBuffer.count - outputLeft
                    if result == -1 {
                        let code = errno
                        if code == E2BIG {
                            needsMoreRoom = true
                        } else {
                            // EILSEQ (invalid) or EINVAL (cut off at the end): both point at the
                            // first byte not converted.
                            failure = .invalidSequence(offset: bytes.count - inputLeft)
                        }
                    }
                }
            }
            if let failure { throw failure }
            if needsMoreRoom {
                capacity *= 2
                // A stateless converter starts over cleanly after a reset.
                _ = iconv(converter, nil, nil, nil, nil)
                continue
            }
            return output
        }
    }
}
