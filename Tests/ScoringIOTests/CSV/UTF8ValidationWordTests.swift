import ScoringEngine
import Testing

@testable import ScoringIO

/// The streaming reader validates chunks with the word-at-a-time
/// ``UTF8Validation/firstInvalidOffset(in:range:)-(ByteView,_)``; its
/// answer must be the byte-by-byte reference's for every input, including where its masks
/// stop applying (E0 and ED leads, four-byte sequences, the last seven bytes of a range,
/// sequences cut by the range's end).
@Suite("Word-at-a-time UTF-8 validation agrees with the byte-by-byte reference")
struct UTF8ValidationWordTests {
    static func fast(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        bytes.withByteView { UTF8Validation.firstInvalidOffset(in: $0, range: range) }
    }

    /// Pieces the random texts are made of: ASCII, CJK (E1–EC, EE–EF leads), the leads with
    /// range restrictions (E0, ED, F0, F4), two- and four-byte characters, and broken
    /// sequences.
    static let pieces: [[UInt8]] = [
        Array("a".utf8), Array("1,".utf8), Array("K-000123,".utf8), Array("\n".utf8),
        Array("厦".utf8), Array("门腾德电子商务有限公司".utf8), Array("华东".utf8), Array("王经理".utf8),
        Array("\u{E000}".utf8), Array("\u{FFFD}".utf8), Array("é".utf8), Array("😀".utf8),
        Array("\u{0800}".utf8), Array("\u{D7FF}".utf8), Array("\u{10FFFF}".utf8), Array("\u{10000}".utf8),
        [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
        [0xE5, 0x8D], [0xE5], [0x80], [0xBF, 0xBF], [0xC0, 0xAF], [0xC1, 0x81], [0xF5, 0x80, 0x80, 0x80],
        [0xFF], [0xE5, 0x41, 0x80], [0xE5, 0x80, 0x41],
    ]

    @Test("Random mixes of valid and broken text, at every start and end", arguments: 0..<60)
    func randomTexts(seed: Int) {
        var random = SeededRandom(seed: UInt64(77 + seed))
        var bytes: [UInt8] = []
        // Mostly valid text, so that an invalid piece is often far into the range.
        let brokenShare = seed % 3 == 0 ? 0.0 : 0.02
        while bytes.count < 200 {
            let valid = random.nextDouble() >= brokenShare
            let candidates = valid ? Array(Self.pieces[0..<16]) : Array(Self.pieces[16...])
            bytes += candidates[Int(random.next() % UInt64(candidates.count))]
        }
        for start in 0..<12 {
            for end in stride(from: bytes.count, to: max(start, bytes.count - 24), by: -1) {
                let range = start..<end
                let expected = UTF8Validation.firstInvalidOffset(in: bytes, range: range)
                #expect(Self.fast(bytes, range) == expected, "range \(range)")
            }
        }
    }

    @Test(
        "Known answers where the masks stop applying",
        arguments: [
            // Two CJK characters, then an E0 lead with a too-small second byte.
            (Array("华东".utf8) + [0xE0, 0x9F, 0x80, 0x41, 0x41], 6),
            // A CJK character whose second continuation byte is ASCII, at word offset 3.
            (Array("华".utf8) + [0xE4, 0xB8, 0x41] + Array("abcdefgh".utf8), 3),
            // A surrogate (ED A0) after ASCII that a word skip passes over.
            (Array("abc".utf8) + [0xED, 0xA0, 0x80] + Array("abcdefgh".utf8), 3),
            // A CJK character cut by the end of the range.
            (Array("abcdefgh华".utf8) + [0xE5, 0x8D], 11),
            // Valid four-byte and restricted three-byte characters between CJK text.
            (Array("华\u{10000}\u{0800}\u{D7FF}东xxxxxxxx".utf8), nil),
        ] as [([UInt8], Int?)])
    func knownAnswers(bytes: [UInt8], offset: Int?) {
        #expect(UTF8Validation.firstInvalidOffset(in: bytes, range: bytes.indices) == offset)
        #expect(Self.fast(bytes, bytes.indices) == offset)
    }
}
