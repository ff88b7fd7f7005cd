import Foundation

/// A 64-bit content hash (written as 16 hex digits) that tells whether two runs read the same
/// input or used the same model. Not cryptographic: it detects changes, it does not resist
/// someone forging a collision.
///
/// Bytes are taken eight at a time as a little-endian word `w` and mixed as
/// `h = rotl(h ^ w, 27) &* 0x9E3779B97F4A7C15`; the tail and the length are folded in with a
/// final avalanche (splitmix64's finalizer). The result does not depend on how the bytes are
/// split between calls to ``update(_:)-([UInt8])``.
public struct ContentHash: Sendable {
    private var state: UInt64 = 0x243F_6A88_85A3_08D3
    private var length: UInt64 = 0
    /// Up to seven bytes waiting for a whole word.
    private var tail: [UInt8] = []

    public init() {}

    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    private static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let x = state ^ word
        return ((x << 27) | (x >> 37)) &* multiplier
    }

    /// Adds bytes, a word of eight at a time (no copy of the bytes: the copy of each read
    /// made hashing a large list cost 4× more).
    public mutating func update(_ bytes: [UInt8]) {
        length &+= UInt64(bytes.count)
        var index = 0
        var h = state
        if !tail.isEmpty {
            while tail.count < 8 && index < bytes.count {
                tail.append(bytes[index])
                index += 1
            }
            guard tail.count == 8 else { return }
            var word: UInt64 = 0
            for offset in 0..<8 { word |= UInt64(tail[offset]) << (8 * offset) }
            h = Self.mix(h, word)
            tail = []
        }
        let count = bytes.count
        while index + 8 <= count {
            // One range check per word; the optimizer makes the eight bytes one load.
            let word8 = bytes[index..<(index + 8)]
            var word: UInt64 = 0
            for offset in 0..<8 { word |= UInt64(word8[index + offset]) << (8 * offset) }
            h = Self.mix(h, word)
            index += 8
        }
        state = h
        if index < count { tail = Array(bytes[index...]) }
    }

    /// Adds the UTF-8 bytes of a text.
    public mutating func update(_ text: String) { update(Array(text.utf8)) }

    /// The hash of everything added, as 16 lowercase hex digits.
    public func finalize() -> String {
        var last: UInt64 = 0
        for (offset, byte) in tail.enumerated() { last |= UInt64(byte) << (8 * offset) }
        var h = Self.mix(Self.mix(state, last), length)
        h ^= h >> 30
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 27
        h = h &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        let digits = String(h, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash of a text.
    public static func of(_ text: String) -> String {
        var hash = ContentHash()
        hash.update(text)
        return hash.finalize()
    }

    /// The hash of a file's bytes, read 1 MiB at a time into one buffer; `nil` if it cannot
    /// be read (a pipe already consumed, a file that vanished, a folder).
    public static func ofFile(atPath path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hash = ContentHash()
        // One buffer for every whole read: a fresh array per read cost page faults on each.
        let size = 1 << 20
        var buffer = [UInt8](repeating: 0, count: size)
        while true {
            let data: Data?
            do { data = try handle.read(upToCount: size) } catch { return nil }
            // `nil` or empty: the end of the file.
            guard let data, !data.isEmpty else { break }
            if data.count == size {
                data.copyBytes(to: &buffer, count: size)
                hash.update(buffer)
            } else {
                hash.update([UInt8](data))
            }
        }
        return hash.finalize()
    }
}
