/// The ids of the accounts accepted so far, for the duplicate-id check of a stream and for
/// ranking ties, in compact form.
///
/// Ids are kept as NFC UTF-8 (so that two ids are the same exactly when the `String`s the
/// in-memory loader compares are equal) in one byte arena, each entry being the line it was
/// first seen on and its length (LEB128 varints) followed by its bytes. An open-addressing
/// table with linear probing maps ids to their entries; each 64-bit slot holds 28 bits of
/// the id's hash (so that most mismatches are settled without touching the arena, and the
/// table can grow without rehashing ids) and the entry's offset plus one (36 bits: arenas up
/// to 64 GiB). The table stays at most 70% full.
///
/// Memory: about `id length + 5` bytes per account in the arena plus 8–16 bytes of table;
/// 10 million ids of 10 characters take about 280 MB.
struct AccountRegistry {
    private(set) var arena: [UInt8] = []
    private var table: [UInt64]
    private var mask: Int
    private var shift: Int
    private(set) var count = 0

    private static let offsetBits: UInt64 = 36
    private static let offsetMask: UInt64 = (1 << 36) - 1

    /// Creates an empty registry sized for about `expectedCount` ids.
    init(expectedCount: Int) {
        var capacity = 1024
        while Double(capacity) * 0.7 < Double(expectedCount) { capacity <<= 1 }
        table = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        shift = 28 - capacity.trailingZeroBitCount
        arena.reserveCapacity(Swift.max(expectedCount, 1024) * 15)
    }

    /// The 28 hash bits kept in a slot.
    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt64 { hash >> 36 }

    /// The home slot of a tag: its top bits (so that a larger table needs only more of them).
    @inline(__always)
    private func home(_ tag: UInt64) -> Int {
        shift >= 0 ? Int(tag >> UInt64(shift)) & mask : Int(truncatingIfNeeded: tag << UInt64(-shift)) & mask
    }

    /// Adds an id if it is new.
    ///
    /// - Parameters:
    ///   - id: The id's NFC UTF-8 bytes.
    ///   - hash: ``IDHash/hash(_:)`` of those bytes.
    ///   - line: The line the account was read from.
    /// - Returns: `.added(entry)` with the new entry's offset, or `.duplicate(firstLine:)`.
    @inline(__always)
    mutating func insert(_ id: ByteView, hash: UInt64, line: Int) -> Insertion {
        let tag = Self.tag(hash)
        var slot = home(tag)
        while true {
            let content = table[slot]
            if content == 0 { break }
            if content >> Self.offsetBits == tag {
                let entry = Int(content & Self.offsetMask) - 1
                if equals(entry: entry, id) { return .duplicate(firstLine: firstLine(ofEntry: entry)) }
            }
            slot = (slot + 1) & mask
        }
        let entry = append(id, line: line)
        precondition(UInt64(entry) < Self.offsetMask, "More than 64 GiB of account ids")
        table[slot] = tag << Self.offsetBits | UInt64(entry + 1)
        count += 1
        if Double(count) > Double(table.count) * 0.7 { grow() }
        return .added(entry: entry)
    }

    /// Loads the home slots of the given hashes, so that the inserts that follow find them
    /// in cache. The loads are independent, so the processor overlaps their cache misses;
    /// one by one inside `insert`, each would wait for memory (the table of a million ids is
    /// larger than the caches).
    mutating func touch<Hashes: Sequence<UInt64>>(_ hashes: Hashes) {
        var sink: UInt64 = 0
        for hash in hashes { sink ^= table[home(Self.tag(hash))] }
        touched ^= sink
    }

    /// Keeps ``touch(_:)``'s loads from being optimized away.
    private var touched: UInt64 = 0

    enum Insertion {
        case added(entry: Int)
        case duplicate(firstLine: Int)
    }

    /// Adds an id without the duplicate check (ids that are unique by construction, such as
    /// line numbers), for ranking ties.
    mutating func appendUnique(_ id: ByteView, line: Int) -> Int {
        count += 1
        return append(id, line: line)
    }

    private mutating func append(_ id: ByteView, line: Int) -> Int {
        let entry = arena.count
        Self.appendVarint(UInt64(line), to: &arena)
        Self.appendVarint(UInt64(id.count), to: &arena)
        arena.append(contentsOf: id)
        return entry
    }

    private mutating func grow() {
        let old = table
        let capacity = old.count * 2
        table = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        shift = 28 - capacity.trailingZeroBitCount
        for content in old where content != 0 {
            var slot = home(content >> Self.offsetBits)
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = content
        }
    }

    // MARK: Entries

    /// The line an entry's account was first read from.
    func firstLine(ofEntry entry: Int) -> Int {
        var offset = entry
        return Int(Self.readVarint(arena, &offset))
    }

    /// The id bytes of an entry.
    func idRange(ofEntry entry: Int) -> Range<Int> {
        var offset = entry
        _ = Self.readVarint(arena, &offset)
        let length = Int(Self.readVarint(arena, &offset))
        return offset..<(offset + length)
    }

    /// The id of an entry, as text.
    func id(ofEntry entry: Int) -> String {
        String(decoding: arena[idRange(ofEntry: entry)], as: UTF8.self)
    }

    /// Whether the id of entry `first` sorts before that of entry `second`: their NFC UTF-8
    /// bytes compared lexicographically, which is the order of Unicode scalars in NFC and so
    /// the order of Swift's `String` comparison.
    func idPrecedes(_ first: Int, _ second: Int) -> Bool {
        let left = idRange(ofEntry: first)
        let right = idRange(ofEntry: second)
        return arena[left].lexicographicallyPrecedes(arena[right])
    }

    private func equals(entry: Int, _ id: ByteView) -> Bool {
        let range = idRange(ofEntry: entry)
        guard range.count == id.count else { return false }
        var index = 0
        for offset in range {
            if arena[offset] != id[index] { return false }
            index += 1
        }
        return true
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private static func readVarint(_ bytes: [UInt8], _ offset: inout Int) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
}
