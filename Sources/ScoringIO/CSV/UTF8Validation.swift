/// Checks bytes against the UTF-8 definition (Unicode 15, table 3-7).
///
/// Rejects overlong forms, surrogates (U+D800–U+DFFF), values above U+10FFFF, stray
/// continuation bytes and sequences cut off by the end of the range.
enum UTF8Validation {
    /// The offset of the first byte in `range` that starts an invalid sequence, or `nil` if
    /// the whole range is valid UTF-8.
    ///
    /// - Complexity: O(*n*) in the length of `range`, with a one-compare path for ASCII.
    static func firstInvalidOffset(in bytes: [UInt8], range: Range<Int>) -> Int? {
        var index = range.lowerBound
        let end = range.upperBound
        @inline(__always) func isContinuation(_ offset: Int) -> Bool {
            offset < end && bytes[offset] & 0xC0 == 0x80
        }
        while index < end {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
            } else if lead < 0xC2 {
                return index  // continuation byte or overlong two-byte lead
            } else if lead < 0xE0 {
                guard isContinuation(index + 1) else { return index }
                index += 2
            } else if lead < 0xF0 {
                guard isContinuation(index + 1), isContinuation(index + 2) else { return index }
                let second = bytes[index + 1]
                if lead == 0xE0 && second < 0xA0 { return index }  // overlong
                if lead == 0xED && second >= 0xA0 { return index }  // surrogate
                index += 3
            } else if lead < 0xF5 {
                guard isContinuation(index + 1), isContinuation(index + 2), isContinuation(index + 3)
                else { return index }
                let second = bytes[index + 1]
                if lead == 0xF0 && second < 0x90 { return index }  // overlong
                if lead == 0xF4 && second >= 0x90 { return index }  // above U+10FFFF
                index += 4
            } else {
                return index
            }
        }
        return nil
    }

    /// The offset of the first byte in `range` that starts an invalid sequence, or `nil`;
    /// the same answer as ``firstInvalidOffset(in:range:)-([UInt8],_)``, a word at a time
    /// where it can (the streaming reader validates every chunk with it).
    ///
    /// Where eight bytes remain, one little-endian word is loaded: eight ASCII bytes are
    /// skipped at once, leading ASCII bytes up to the first byte with its high bit set,
    /// and two or one three-byte sequences whose lead is E1–EC or EE–EF (most CJK text;
    /// those leads have no range restriction on their second byte, so two continuation
    /// bytes make them valid) are checked with masks. Anything else goes byte by byte
    /// through the table of Unicode's definition, from the same offset, so the first
    /// invalid offset is the same.
    static func firstInvalidOffset(in bytes: ByteView, range: Range<Int>) -> Int? {
        var index = range.lowerBound
        let end = range.upperBound
        guard !bytes.isEmpty else { return nil }
        @inline(__always) func isContinuation(_ offset: Int) -> Bool {
            offset < end && bytes[offset] & 0xC0 == 0x80
        }
        // Bit n is set when a lead byte En (n = its low nibble) needs nothing but two
        // continuation bytes: E1–EC, EE, EF.
        let plainLeads: UInt64 = 0b1101_1111_1111_1110
        while index < end {
            if index &+ 8 <= end {
                let word = bytes.word(at: index)
                let high = word & 0x8080_8080_8080_8080
                if high == 0 {
                    index &+= 8
                    continue
                }
                if word & 0x80 == 0 {
                    // ASCII bytes up to the first one with its high bit set.
                    index &+= high.trailingZeroBitCount >> 3
                    continue
                }
                // Bytes 0–5: lead, continuation, continuation, lead, continuation, continuation.
                if word & 0x0000_C0C0_F0C0_C0F0 == 0x0000_8080_E080_80E0
                    && (plainLeads >> (word & 0x0F)) & (plainLeads >> ((word >> 24) & 0x0F)) & 1 != 0
                {
                    index &+= 6
                    continue
                }
                if word & 0xC0_C0F0 == 0x80_80E0 && (plainLeads >> (word & 0x0F)) & 1 != 0 {
                    index &+= 3
                    continue
                }
            }
            let lead = bytes[index]
            if lead < 0x80 {
                index &+= 1
            } else if (lead &- 0xE1 < 12 || lead &- 0xEE < 2) && index &+ 2 < end {
                // Three bytes without range restrictions (CJK text): two continuation bytes.
                guard bytes[index &+ 1] & 0xC0 == 0x80, bytes[index &+ 2] & 0xC0 == 0x80 else { return index }
                index &+= 3
            } else if lead < 0xC2 {
                return index
            } else if lead < 0xE0 {
                guard isContinuation(index &+ 1) else { return index }
                index &+= 2
            } else if lead < 0xF0 {
                guard isContinuation(index &+ 1), isContinuation(index &+ 2) else { return index }
                let second = bytes[index &+ 1]
                if lead == 0xE0 && second < 0xA0 { return index }
                if lead == 0xED && second >= 0xA0 { return index }
                index &+= 3
            } else if lead < 0xF5 {
                guard isContinuation(index &+ 1), isContinuation(index &+ 2), isContinuation(index &+ 3)
                else { return index }
                let second = bytes[index &+ 1]
                if lead == 0xF0 && second < 0x90 { return index }
                if lead == 0xF4 && second >= 0x90 { return index }
                index &+= 4
            } else {
                return index
            }
        }
        return nil
    }
}

extension UTF8Validation {
    /// Where an invalid byte is, for messages: its 1-based physical line, its 1-based byte
    /// within that line, and its value.
    struct Position: Equatable {
        var line: Int
        var byte: Int
        var value: UInt8
    }

    /// The position of the byte at `offset` of `bytes`, lines counted from `start`.
    static func position(of offset: Int, in bytes: [UInt8], from start: Int) -> Position {
        var lineStart = start
        var index = min(offset, bytes.count)
        while index > start {
            let byte = bytes[index - 1]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                lineStart = index
                break
            }
            index -= 1
        }
        return Position(
            line: CSVParser.physicalLine(of: offset, in: bytes, from: start), byte: offset - lineStart + 1,
            value: offset < bytes.count ? bytes[offset] : 0)
    }

    /// Whether the text before the first invalid byte shows the file is UTF-8: at least
    /// `minimum` valid multi-byte sequences (GB18030 text almost never forms that many in a
    /// row). Then a stray byte is reported as such, instead of reading the file as GB18030.
    static func looksLikeUTF8(_ bytes: [UInt8], range: Range<Int>, minimum: Int = 16) -> Bool {
        var sequences = 0
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte >= 0xC2 && byte <= 0xF4 {
                sequences += 1
                if sequences >= minimum { return true }
                index += byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            } else {
                index += 1
            }
        }
        return false
    }
}
