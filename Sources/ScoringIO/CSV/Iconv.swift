import Dispatch

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

    /// Converts `bytes[range]` from the encoding `source` to the encoding `target`.
    ///
    /// - Parameters:
    ///   - bytes: The input.
    ///   - range: The bytes to convert; all of them if `nil`.
    ///   - source: An iconv encoding name, such as `"GB18030"`.
    ///   - target: An iconv encoding name, such as `"UTF-8"`.
    /// - Returns: The converted bytes.
    /// - Throws: `Failure.invalidSequence` with an offset into `bytes`, or
    ///   `Failure.unavailable`.
    /// - Complexity: O(*n*).
    static func convert(
        _ bytes: [UInt8], range: Range<Int>? = nil, from source: String, to target: String
    ) throws(Failure) -> [UInt8] {
        let range = range ?? bytes.indices
        let converter = iconv_open(target, source)
        // iconv_open signals failure with (iconv_t)-1.
        guard let converter, Int(bitPattern: converter) != -1 else {
            throw .unavailable(reason: String(cString: strerror(errno)))
        }
        defer { iconv_close(converter) }

        let inputCount = range.count
        // GB18030 to UTF-8 grows at most 1.5 times (two bytes become three); other directions
        // may need more, which the E2BIG retry below provides.
        var capacity = inputCount + inputCount / 2 + 16
        while true {
            let (output, needsMoreRoom, invalidOffset) = SystemIO.iconvOnce(converter, bytes, range, capacity: capacity)
            if let invalidOffset { throw .invalidSequence(offset: invalidOffset) }
            guard needsMoreRoom else { return output }
            capacity *= 2
            _ = iconv(converter, nil, nil, nil, nil)  // back to the initial state
        }
    }

    /// Converts GB18030 to UTF-8, in parts on several threads for large inputs.
    ///
    /// The parts are cut just after line feeds. In GB18030 the byte 0x0A is always a line
    /// feed, never part of a multi-byte character, so each part converts on its own and the
    /// concatenation equals converting the whole; the first failing part holds the first
    /// invalid byte.
    ///
    /// - Throws: `Failure.invalidSequence` with an offset into `bytes`, or
    ///   `Failure.unavailable`.
    static func utf8FromGB18030(
        _ bytes: [UInt8], parallelism: CSVParser.Parallelism
    ) throws(Failure) -> [UInt8] {
        let starts = CSVParser.partStarts(in: bytes, from: 0, parallelism: parallelism)
        guard starts.count > 1 else { return try convert(bytes, from: "GB18030", to: "UTF-8") }
        let parts = starts.map { _ in PartResult() }
        DispatchQueue.concurrentPerform(iterations: starts.count) { part in
            let end = part + 1 < starts.count ? starts[part + 1] : bytes.count
            do throws(Failure) {
                parts[part].output = try convert(bytes, range: starts[part]..<end, from: "GB18030", to: "UTF-8")
            } catch {
                parts[part].failure = error
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(parts.reduce(0) { $0 + $1.output.count })
        for part in parts {
            if let failure = part.failure { throw failure }
            output.append(contentsOf: part.output)
            part.output = []
        }
        return output
    }

    /// One part's output. Written by one thread, read after `concurrentPerform` returns.
    private final class PartResult: @unchecked Sendable {
        var output: [UInt8] = []
        var failure: Failure? = nil
    }
}
