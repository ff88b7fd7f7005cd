import Foundation

/// Reads an outcome field of a history (``HistoryLoader``'s words): won, lost, still open,
/// or not an outcome.
///
/// One rule for the in-memory loader and the streaming reader: the field, trimmed of
/// spaces and tabs (`CharacterSet.whitespaces`) and lowercased, is looked up in the won
/// words, then the lost words, then the open words and the model's missing codes
/// (lowercased). The streaming reader calls ``classify(_:)-([UInt8])`` on the field's bytes:
/// an ASCII field without spaces or tabs is looked up by its lowercased bytes (the same
/// answer: such a word is its own trimmed form, and a word of the sets equals it exactly
/// when its canonical form is those bytes); any other field takes the `String` path.
struct OutcomeWords: Sendable {
    enum Kind: UInt8, Sendable {
        case lost = 0
        case won = 1
        case open = 2
        case unknown = 3
    }

    let missingCodes: Set<String>
    /// Canonical (NFC) UTF-8 bytes of every word, with the kind the lookup order gives it.
    private let byBytes: [[UInt8]: Kind]

    init(missingCodes: [String]) {
        let codes = Set(missingCodes.map { $0.lowercased() })
        self.missingCodes = codes
        var table: [[UInt8]: Kind] = [:]
        // Lowest priority first, so that a word in several sets keeps the first set's kind.
        for word in HistoryLoader.openWords.union(codes) { table[Self.canonicalBytes(word)] = .open }
        for word in HistoryLoader.lostWords { table[Self.canonicalBytes(word)] = .lost }
        for word in HistoryLoader.wonWords { table[Self.canonicalBytes(word)] = .won }
        byBytes = table
    }

    private static func canonicalBytes(_ word: String) -> [UInt8] {
        Array(word.precomposedStringWithCanonicalMapping.utf8)
    }

    /// The kind of a field's text (the reference rule).
    func classify(_ raw: String) -> Kind {
        let word = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if HistoryLoader.wonWords.contains(word) { return .won }
        if HistoryLoader.lostWords.contains(word) { return .lost }
        if HistoryLoader.openWords.contains(word) || missingCodes.contains(word) { return .open }
        return .unknown
    }

    /// The kind of a field's UTF-8 bytes; equal to `classify(String(decoding: bytes, as: UTF8.self))`.
    func classify(_ bytes: [UInt8]) -> Kind {
        var lowered = bytes
        for index in lowered.indices {
            let byte = lowered[index]
            guard byte < 0x80, byte != 0x20, byte != 0x09 else {
                return classify(String(decoding: bytes, as: UTF8.self))
            }
            if byte >= 0x41 && byte <= 0x5A { lowered[index] = byte | 0x20 }
        }
        return byBytes[lowered] ?? .unknown
    }
}
