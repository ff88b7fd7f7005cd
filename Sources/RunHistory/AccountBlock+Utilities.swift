import ScoringEngine

/// The `utilities` column of a block in its compact layout (schema step 5): factor by
/// factor, each factor's utilities as codes into the distinct values the block holds.
///
/// A factor's utilities take few values in a block (a utility curve maps a 1–5 level or a
/// category to one of a handful of numbers; a banded number to a few hundred): 4,096 float64
/// of a factor are most often 4,096 one-byte codes and a few dozen float64. The whole column
/// then takes about a seventh of the account-by-account float64 of step 4 (a 1,000,000-account
/// run of 14 factors: 17 MB instead of 112 MB), which is less to write to the WAL, to copy at
/// the checkpoint and to sync.
///
/// Layout, factor after factor in the run's order (all numbers little-endian):
/// - one byte, the mode: 0 the factor's `count` float64 in account order; 1 one-byte codes;
///   2 two-byte codes;
/// - modes 1 and 2: the number of distinct values minus one (one byte in mode 1, a uint16
///   in mode 2), the distinct values as float64 in the order they first appear, then one code
///   per account (its value's index in that list);
/// - then, only when the column would otherwise be exactly `count × factors × 8` bytes
///   long, one zero byte, so that a compact column is never the length of a step-4 column
///   (which a reader recognizes by that length).
///
/// Values are compared by their bits, so the decoded doubles are the recorded ones bit for
/// bit (-0.0, NaN payloads included). Each factor takes the smallest of the three modes.
extension AccountBlock {
    /// Encodes `utilities` (`count` accounts × `factorCount` utilities, account after account).
    ///
    /// - Complexity: O(count × factorCount).
    static func compactUtilities(_ utilities: [Double], count: Int, factorCount: Int, table: inout UtilityCodeTable)
        -> [UInt8]
    {
        precondition(utilities.count == count * factorCount, "A block has one utility per account and factor")
        var out: [UInt8] = []
        out.reserveCapacity(factorCount * (count + 16))
        var codes = [UInt16](repeating: 0, count: count)
        for factor in 0..<factorCount {
            table.reset()
            var index = factor
            for account in 0..<count {
                codes[account] = table.code(of: utilities[index].bitPattern)
                index += factorCount
            }
            let distinct = table.values.count
            let raw = 1 + 8 * count
            let oneByte = distinct <= 256 ? 2 + 8 * distinct + count : Int.max
            let twoBytes = 3 + 8 * distinct + 2 * count
            // The factor's bytes are made room for, then written in place.
            var position = out.count
            if raw <= oneByte && raw <= twoBytes {
                out.append(contentsOf: repeatElement(0, count: raw))
                position += 1
                var index = factor
                for _ in 0..<count {
                    store(utilities[index].bitPattern, in: &out, at: position)
                    position += 8
                    index += factorCount
                }
            } else if oneByte <= twoBytes {
                out.append(contentsOf: repeatElement(0, count: oneByte))
                out[position] = 1
                out[position + 1] = UInt8(distinct - 1)
                position += 2
                for bits in table.values {
                    store(bits, in: &out, at: position)
                    position += 8
                }
                for account in 0..<count { out[position + account] = UInt8(truncatingIfNeeded: codes[account]) }
            } else {
                out.append(contentsOf: repeatElement(0, count: twoBytes))
                out[position] = 2
                out[position + 1] = UInt8(truncatingIfNeeded: distinct - 1)
                out[position + 2] = UInt8(truncatingIfNeeded: (distinct - 1) >> 8)
                position += 3
                for bits in table.values {
                    store(bits, in: &out, at: position)
                    position += 8
                }
                for account in 0..<count {
                    out[position + 2 * account] = UInt8(truncatingIfNeeded: codes[account])
                    out[position + 2 * account + 1] = UInt8(truncatingIfNeeded: codes[account] >> 8)
                }
            }
        }
        if out.count == count * factorCount * 8 { out.append(0) }
        return out
    }

    /// Writes `bits` little-endian at `out[position..<position + 8]`.
    @inline(__always)
    private static func store(_ bits: UInt64, in out: inout [UInt8], at position: Int) {
        for byte in 0..<8 { out[position + byte] = UInt8(truncatingIfNeeded: bits >> UInt64(8 * byte)) }
    }

    /// Decodes a compact column (see ``compactUtilities(_:count:factorCount:table:)``) into
    /// `count × factorCount` utilities, account after account.
    ///
    /// - Throws: ``BlockError`` when the bytes do not hold that many utilities.
    static func utilities(compact data: [UInt8], count: Int, factorCount: Int) throws(BlockError) -> [Double] {
        var utilities = [Double](repeating: 0, count: count * factorCount)
        var offset = 0
        func byte() throws(BlockError) -> Int {
            guard offset < data.count else { throw BlockError() }
            offset += 1
            return Int(data[offset - 1])
        }
        func word() throws(BlockError) -> Double {
            guard data.count - offset >= 8 else { throw BlockError() }
            var bits: UInt64 = 0
            for shift in 0..<8 { bits |= UInt64(data[offset + shift]) << UInt64(8 * shift) }
            offset += 8
            return Double(bitPattern: bits)
        }
        var dictionary: [Double] = []
        for factor in 0..<factorCount {
            let mode = try byte()
            var index = factor
            switch mode {
            case 0:
                for _ in 0..<count {
                    utilities[index] = try word()
                    index += factorCount
                }
            case 1, 2:
                var distinct = try byte() + 1
                if mode == 2 { distinct += try byte() << 8 }
                dictionary.removeAll(keepingCapacity: true)
                for _ in 0..<distinct { dictionary.append(try word()) }
                let width = mode
                guard data.count - offset >= width * count else { throw BlockError() }
                for _ in 0..<count {
                    let code = width == 1 ? Int(data[offset]) : Int(data[offset]) | Int(data[offset + 1]) << 8
                    offset += width
                    guard code < distinct else { throw BlockError() }
                    utilities[index] = dictionary[code]
                    index += factorCount
                }
            default:
                throw BlockError()
            }
        }
        // The zero byte that keeps a compact column off the step-4 length.
        if offset == data.count - 1, data[offset] == 0, data.count - 1 == count * factorCount * 8 { offset += 1 }
        guard offset == data.count else { throw BlockError() }
        return utilities
    }
}

/// The distinct values of one factor's utilities in a block, with each one's code: an
/// open-addressing table on the values' bits, emptied in O(1) between factors (a slot is
/// taken only if it was filled since the last ``reset()``).
struct UtilityCodeTable {
    /// Slots: a power of two, at least twice ``AccountBlock/capacity``.
    private static let slotBits = 13
    private struct Slot {
        var bits: UInt64 = 0
        var code: UInt16 = 0
        /// The ``generation`` in which the slot was filled.
        var generation: UInt32 = 0
    }
    private var slots = [Slot](repeating: Slot(), count: 1 << UtilityCodeTable.slotBits)
    private var generation: UInt32 = 0
    /// The distinct values' bits, in the order they first appeared.
    private(set) var values: [UInt64] = []

    init() {
        precondition(AccountBlock.capacity * 2 <= 1 << Self.slotBits, "The table has room for a block's values")
    }

    mutating func reset() {
        values.removeAll(keepingCapacity: true)
        if generation == UInt32.max {
            for index in slots.indices { slots[index].generation = 0 }
            generation = 0
        }
        generation += 1
    }

    /// The code of `bits` (a new code when it was not seen since the last ``reset()``).
    mutating func code(of bits: UInt64) -> UInt16 {
        let mask = (1 << Self.slotBits) - 1
        var index = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - Self.slotBits))
        while true {
            let slot = slots[index]
            if slot.generation != generation {
                let code = UInt16(truncatingIfNeeded: values.count)
                slots[index] = Slot(bits: bits, code: code, generation: generation)
                values.append(bits)
                return code
            }
            if slot.bits == bits { return slot.code }
            index = (index + 1) & mask
        }
    }
}
