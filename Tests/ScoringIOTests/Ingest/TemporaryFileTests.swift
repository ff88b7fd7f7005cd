import Testing

@testable import ScoringIO

/// ``TemporaryFile/release(_:of:)`` gives back only pages whose every byte was read for the
/// last time: the bytes around them are kept, whatever the ranges.
@Suite("A temporary file gives back only whole pages of consumed bytes")
struct TemporaryFileTests {
    static let page = 4_096

    @Test("bytes outside the whole pages of the consumed span are kept; inside, all kept or all zero")
    func releaseKeepsNeighbours() throws {
        let size = 20 * Self.page + 123
        let pattern = (0..<size).map { UInt8(truncatingIfNeeded: $0 % 251 + 1) }
        // (region start, consumed so far, newly consumed end), including unaligned edges and
        // spans shorter than a page.
        let cases: [(region: Int, from: Int, to: Int)] = [
            (0, 0, size), (3_000, 3_000, 40_000), (3_000, 5_000, 40_000), (4_096, 4_096, 8_192),
            (4_097, 4_097, 12_287), (100, 200, 300), (8_191, 30_000, 30_001), (12_000, 12_000, size),
        ]
        for (region, from, to) in cases {
            let file = try TemporaryFile(prefix: "test", contents: "test bytes", advice: "none")
            try file.write(pattern, at: 0)
            file.release(from..<to, of: region..<size)
            let back: [UInt8] = try file.read(count: size, at: 0)
            let start = Swift.max((region + Self.page - 1) / Self.page, from / Self.page) * Self.page
            let end = to / Self.page * Self.page
            let inside = start < end ? start..<end : 0..<0
            for index in 0..<size where !inside.contains(index) {
                guard back[index] == pattern[index] else {
                    Issue.record("byte \(index) changed after releasing \(from)..<\(to) of \(region)..<\(size)")
                    break
                }
            }
            let given = back[inside]
            #expect(
                given.allSatisfy { $0 == 0 } || Array(given) == Array(pattern[inside]),
                "the pages inside \(inside) are either given back (zeros) or kept whole")
        }
    }
}
