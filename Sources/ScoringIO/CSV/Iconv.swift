#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts bytes between encodings with the C library's iconv.
///
/// The reader uses it to turn GB18030 into UTF-8. GB18030 is stateless and a superset of
/// ASCII whose multi-byte sequences never contain line breaks, quotes or delimiters, so a
/// failing offset in the input becomes a line number by counting line breaks before it.
enum Iconv {
    /// Why a conversion failed.
    enum Failure: Error, Equatable {
        /// The input is not valid in the source encoding from this byte offset on (EILSEQ,
        /// or a sequence cut off by the end of the input: EINVAL).
        case invalidSequence(offset: Int)
        /// iconv has no converter between the two encodings (glibc's gconv modules missing).
        case unavailable(reason: String)
    }

    /// Converts `bytes[start...]` from the encoding `source` to the encoding `target`.
    ///
    /// - Parameters:
    ///   - bytes: The input.
    ///   - start: The offset of the first byte to convert.
    ///   - source: An iconv encoding name, such as `"GB18030"`.
    ///   - target: An iconv encoding name, such as `"UTF-8"`.
    /// - Returns: The converted bytes.
    /// - Throws: `Failure.invalidSequence` with an offset into `bytes`, or
    ///   `Failure.unavailable`.
    /// - Complexity: O(*n*).
    static func convert(
        _ bytes: [UInt8], start: Int = 0, from source: String, to target: String
    ) throws(Failure) -> [UInt8] {
        let converter = iconv_open(target, source)
        // iconv_open signals failure with (iconv_t)-1.
        guard let converter, Int(bitPattern: converter) != -1 else {
            throw .unavailable(reason: String(cString: strerror(errno)))
        }
        defer { iconv_close(converter) }

        let inputCount = bytes.count - start
        // GB18030 to UTF-8 grows at most 1.5 times (two bytes become three); other directions
        // may need more, which the E2BIG retry below provides.
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
                            // EILSEQ (invalid) and EINVAL (cut off at the end) both leave the
                            // input pointer at the first byte not converted.
                            failure = .invalidSequence(offset: bytes.count - inputLeft)
                        }
                    }
                }
            }
            if let failure { throw failure }
            guard needsMoreRoom else { return output }
            capacity *= 2
            _ = iconv(converter, nil, nil, nil, nil)  // back to the initial state
        }
    }
}
