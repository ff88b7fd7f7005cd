import Foundation

/// Canonical (NFC) forms of UTF-8 text without making a `String` in the common case.
///
/// Swift compares and hashes strings by canonical equivalence: `"é"` written as one scalar
/// equals `"e"` followed by a combining accent. The in-memory loader finds duplicate ids
/// and category labels with `String` equality, so the streaming reader compares NFC bytes,
/// which is the same relation. Text made only of scalars that are their own NFC and never
/// combine with a neighbour (ASCII, Latin-1, CJK ideographs and punctuation, full-width
/// forms) is already NFC; anything else is normalized with Foundation (rare in business
/// data).
enum TextNormalization {
    /// Whether `text[start..<end]` (valid UTF-8) is certainly in NFC.
    ///
    /// - Complexity: O(*n*); ASCII costs one comparison per byte.
    static func isStableNFC(_ text: ByteView, from start: Int, to end: Int) -> Bool {
        var index = start
        while index < end {
            let lead = text[index]
            if lead < 0x80 {
                index &+= 1
                continue
            }
            let scalar: UInt32
            if lead < 0xE0 {
                guard index &+ 1 < end else { return false }
                scalar = UInt32(lead & 0x1F) << 6 | UInt32(text[index &+ 1] & 0x3F)
                index &+= 2
            } else if lead < 0xF0 {
                guard index &+ 2 < end else { return false }
                scalar =
                    UInt32(lead & 0x0F) << 12 | UInt32(text[index &+ 1] & 0x3F) << 6 | UInt32(text[index &+ 2] & 0x3F)
                index &+= 3
            } else {
                return false
            }
            switch scalar {
            case 0xA0...0xFF, 0x3000...0x3029, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF01...0xFF5E: continue
            default: return false
            }
        }
        return true
    }

    /// The NFC form of valid UTF-8 text, as UTF-8.
    static func nfc(_ text: ByteView, from start: Int, to end: Int) -> [UInt8] {
        if isStableNFC(text, from: start, to: end) { return Array(text[start..<end]) }
        return nfc(text.rebased(start..<end).string)
    }

    /// The NFC form of a string, as UTF-8 (Foundation only when ``isStableNFC(_:from:to:)``
    /// cannot vouch for the text).
    static func nfc(_ text: String) -> [UInt8] {
        let stable = ByteView.withBytes(of: text) { isStableNFC($0, from: 0, to: $0.count) }
        return Array((stable ? text : text.precomposedStringWithCanonicalMapping).utf8)
    }

    /// Whether every byte is ASCII.
    @inline(__always)
    static func isASCII(_ text: ByteView, from start: Int, to end: Int) -> Bool {
        var index = start
        while index < end {
            if text[index] >= 0x80 { return false }
            index &+= 1
        }
        return true
    }
}
