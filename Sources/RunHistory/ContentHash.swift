#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// Adds bytes.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Adds bytes: whole words loaded straight from the buffer (a copy of the buffer, or a
    /// word assembled byte by byte, made hashing a large list cost 4× more).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
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
        if let base = bytes.baseAddress {
            while index + 8 <= count {
                h = Self.mix(h, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
                index += 8
            }
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
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var hash = ContentHash()
        // One buffer for every read: a fresh one per read cost page faults on each.
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            // 0: the end of the file.
            if count == 0 { break }
            buffer.withUnsafeBytes { hash.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
        return hash.finalize()
    }
}
