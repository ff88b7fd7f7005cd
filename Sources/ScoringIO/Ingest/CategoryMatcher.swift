/// Finds categorical fields' labels in the factors' maps from the fields' bytes, with the
/// same answer as ``FieldReader/categoryIndex(_:)`` (which uses `String` dictionaries).
///
/// The label equal to the field wins, then the label equal ignoring case. `String`
/// equality is canonical equivalence, so labels are compared in NFC. For an ASCII field,
/// `lowercased()` is ASCII lowercasing, so the case-folded comparison is done on bytes
/// too; any other field that is not an exact match goes to the `String` lookup.
///
/// All factors' labels are kept in flat arrays, so that matching copies and retains nothing.
/// Labels of at most eight bytes are also kept packed into one integer each, so that an
/// ASCII field that is exactly such a label (the usual `yes`, `AAA`) is found by comparing
/// integers.
struct CategoryMatcher: Sendable {
    /// Factor `f`'s labels are `firstLabel[f]..<firstLabel[f + 1]` (none for numeric factors).
    let firstLabel: [Int]
    /// Label `l`'s NFC bytes are `exact[exactStart[l]..<exactStart[l + 1]]`.
    let exact: [UInt8]
    let exactStart: [Int]
    /// Label `l`'s lowercased NFC bytes are `folded[foldedStart[l]..<foldedStart[l + 1]]`.
    let folded: [UInt8]
    let foldedStart: [Int]
    /// The readers, for fields that need `String` comparison.
    let readers: [FieldReader]
    /// Factor `f`'s labels of at most eight NFC bytes are entries
    /// `firstShort[f]..<firstShort[f + 1]`: the bytes packed little-endian in `shortKeys`,
    /// their count in `shortLengths`, the label's code in `shortCodes`.
    let firstShort: [Int]
    let shortKeys: [UInt64]
    let shortLengths: [Int]
    let shortCodes: [Int]

    init(readers: [FieldReader]) {
        self.readers = readers
        var firstLabel = [0]
        var exact: [UInt8] = []
        var exactStart = [0]
        var folded: [UInt8] = []
        var foldedStart = [0]
        var firstShort = [0]
        var shortKeys: [UInt64] = []
        var shortLengths: [Int] = []
        var shortCodes: [Int] = []
        for reader in readers {
            for (code, label) in reader.labels.enumerated() {
                let bytes = TextNormalization.nfc(label)
                exact += bytes
                exactStart.append(exact.count)
                folded += TextNormalization.nfc(label.lowercased())
                foldedStart.append(folded.count)
                if bytes.count <= 8 {
                    shortKeys.append(Self.packed(bytes))
                    shortLengths.append(bytes.count)
                    shortCodes.append(code)
                }
            }
            firstLabel.append(exactStart.count - 1)
            firstShort.append(shortKeys.count)
        }
        self.firstShort = firstShort
        self.shortKeys = shortKeys
        self.shortLengths = shortLengths
        self.shortCodes = shortCodes
        self.firstLabel = firstLabel
        self.exact = exact
        self.exactStart = exactStart
        self.folded = folded
        self.foldedStart = foldedStart
    }

    /// The index of the field's category in factor `factor`'s map (`other`'s code for a
    /// label the map lacks, when the scale has `other`), or `nil` when the model does not
    /// know it.
    @inline(__always)
    func index(factor: Int, of text: ByteView, from start: Int, to end: Int) -> Int? {
        let length = end &- start
        if length <= 8 {
            // An ASCII field equal to a short label: the same answer as the exact comparison
            // below (labels are distinct ignoring case, so at most one is equal).
            var key: UInt64 = 0
            var bits: UInt8 = 0
            for offset in 0..<length {
                let byte = text[start &+ offset]
                key |= UInt64(byte) << UInt64(offset &* 8)
                bits |= byte
            }
            if bits < 0x80 {
                for entry in firstShort[factor]..<firstShort[factor &+ 1]
                where shortKeys[entry] == key && shortLengths[entry] == length {
                    return shortCodes[entry]
                }
            }
        }
        let labels = firstLabel[factor]..<firstLabel[factor &+ 1]
        let ascii = TextNormalization.isASCII(text, from: start, to: end)
        if ascii || TextNormalization.isStableNFC(text, from: start, to: end) {
            // In NFC already: an exact label is a byte-equal NFC label. (Labels are distinct
            // ignoring case, so at most one matches.)
            for label in labels where exactStart[label &+ 1] &- exactStart[label] == length {
                if equal(exact, from: exactStart[label], text, start, length, lowercasing: false) {
                    return label &- labels.lowerBound
                }
            }
            if ascii {
                for label in labels where foldedStart[label &+ 1] &- foldedStart[label] == length {
                    if equal(folded, from: foldedStart[label], text, start, length, lowercasing: true) {
                        return label &- labels.lowerBound
                    }
                }
                return readers[factor].otherCode
            }
        }
        let field = text.rebased(start..<end).string
        return readers[factor].categoryIndex(field)
    }

    /// Up to eight bytes packed little-endian into an integer (the first byte lowest).
    private static func packed(_ bytes: [UInt8]) -> UInt64 {
        var key: UInt64 = 0
        for (offset, byte) in bytes.enumerated() { key |= UInt64(byte) << UInt64(offset * 8) }
        return key
    }

    @inline(__always)
    private func equal(
        _ bytes: [UInt8], from offset: Int, _ text: ByteView, _ start: Int, _ length: Int,
        lowercasing: Bool
    ) -> Bool {
        for index in 0..<length {
            var byte = text[start &+ index]
            if lowercasing { byte = MissingCodes.lower(byte) }
            if byte != bytes[offset &+ index] { return false }
        }
        return true
    }
}
