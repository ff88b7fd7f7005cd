/// Ranks every account under one weight draw in linear time: a stable least-significant-digit
/// radix sort of 32-bit codes, then exact tie-breaking on the keys.
///
/// The order is the ranking policy's: with `gradeFirst`, by grade (A … D, insufficient),
/// then by key, highest first; without it by key alone; ties go to the lower index. The
/// caller numbers accounts in ascending id order, which makes this exactly
/// ``BatchAssessment/rankedRows()``'s order.
///
/// How: each account gets a 64-bit record: its group (its grade with `gradeFirst`, else 0)
/// in the top 3 bits, then the key's position between the draw's largest and smallest key,
/// `(largest − key) · scale` rounded to an integer of up to 52 bits (a non-increasing function of the key:
/// every step of it rounds monotonically), then the account's index in the lowest bits.
/// The records are sorted on their top 16, 24 or 30 bits (the code) by two or three stable
/// counting passes (at most 4,096 counters, in L1; sequential reads and a few thousand write
/// streams). A lower code means a strictly better place. Records sharing a code are then
/// sorted as plain integers (group, fine position, index) by one insertion pass over all
/// records, which moves each only within its run of equal codes (a comparison sort of all
/// records when that would take more than about 4n moves), without reading keys. Only records that share the
/// fine position too (equal keys, or keys within about 2⁻⁵² of the draw's range of each
/// other) are ordered by their keys, highest first, ties by index. The rank of the account
/// at sorted position p is p + 1.
///
/// Up to 2,048 accounts the code is 16 bits (two passes of 8 bits); up to 262,144, 24 bits
/// (two passes of 12 bits); more, 30 bits (three passes of 10 bits).
///
/// The digit counts are kept twice (even and odd records) and added before the prefix sums:
/// most records share their top digit, and one table would make every count wait for the
/// previous one's store.
struct DrawRanker {
    let count: Int
    let gradeFirst: Bool

    /// Bits of the account index (the lowest bits of a record).
    private let indexBits: Int
    /// Bits of the key's fine position, just below the 3 group bits.
    private let positionBits: Int
    /// Counting passes of `digitBits` bits each over the record's top bits.
    private let passes: Int
    private let digitBits: Int
    /// Records sharing group and fine position, up to this many, are ordered by key with an
    /// insertion sort (more: a comparison sort).
    static let insertionLimit = 32

    private var records: [UInt64]
    private var spare: [UInt64]
    /// Per pass two tables (even, odd records) of 2^digitBits digit counts; the even table
    /// then holds the pass's offsets.
    private var digitCounts: [UInt32]

    init(count: Int, gradeFirst: Bool) {
        precondition(count >= 0 && count < Int(UInt32.max), "DrawRanker ranks fewer than 2³² accounts")
        self.count = count
        self.gradeFirst = gradeFirst
        (passes, digitBits) = count <= 2048 ? (2, 8) : count <= 1 << 18 ? (2, 12) : (3, 10)
        indexBits = Swift.max(1, Int.bitWidth - Swift.max(count - 1, 0).leadingZeroBitCount)
        // A Double holds 53 significant bits: finer positions would add nothing.
        positionBits = Swift.min(61 - indexBits, 52)
        records = [UInt64](repeating: 0, count: count)
        spare = [UInt64](repeating: 0, count: count)
        digitCounts = [UInt32](repeating: 0, count: (2 * passes) << digitBits)
    }

    /// Writes each account's rank (1-based) into `ranks`.
    ///
    /// - Parameters:
    ///   - keys: The ranking key of every account (higher ranks first); finite.
    ///   - grades: ``Grade/order`` of every account (0 = A … 4 = insufficient).
    ///   - ranks: Output, one per account.
    /// - Complexity: O(n) for keys that are not crowded into a sliver of their range.
    mutating func rank(keys: [Double], grades: [UInt8], into ranks: inout [Int32]) {
        precondition(
            keys.count == count && grades.count == count && ranks.count == count, "DrawRanker needs one key, grade and rank per account")
        keys.withUncheckedView { keys in
            grades.withUncheckedView { grades in
                ranks.withUncheckedMutableView { ranks in
                    rank(keys: keys, grades: grades, range: Self.range(keys), into: ranks)
                }
            }
        }
    }

    /// The smallest and the largest of finite keys ((+∞, −∞) for none). Pairs of keys in
    /// `SIMD2` with compare-and-replace, which compiles to `minpd`/`maxpd` (a plain
    /// floating-point minimum stays a scalar chain: the compiler may not reorder it), four
    /// pairs at a time so that the chains do not wait for each other.
    static func range(_ keys: UncheckedView<Double>) -> (low: Double, high: Double) {
        let n = keys.count
        var low0 = SIMD2<Double>(repeating: .infinity)
        var low1 = low0
        var low2 = low0
        var low3 = low0
        var high0 = SIMD2<Double>(repeating: -.infinity)
        var high1 = high0
        var high2 = high0
        var high3 = high0
        var i = 0
        while i &+ 8 <= n {
            let a = SIMD2(keys[i], keys[i &+ 1])
            let b = SIMD2(keys[i &+ 2], keys[i &+ 3])
            let c = SIMD2(keys[i &+ 4], keys[i &+ 5])
            let d = SIMD2(keys[i &+ 6], keys[i &+ 7])
            low0.replace(with: a, where: a .< low0)
            high0.replace(with: a, where: a .> high0)
            low1.replace(with: b, where: b .< low1)
            high1.replace(with: b, where: b .> high1)
            low2.replace(with: c, where: c .< low2)
            high2.replace(with: c, where: c .> high2)
            low3.replace(with: d, where: d .< low3)
            high3.replace(with: d, where: d .> high3)
            i &+= 8
        }
        while i < n {
            let a = SIMD2(repeating: keys[i])
            low0.replace(with: a, where: a .< low0)
            high0.replace(with: a, where: a .> high0)
            i &+= 1
        }
        low0.replace(with: low1, where: low1 .< low0)
        low2.replace(with: low3, where: low3 .< low2)
        low0.replace(with: low2, where: low2 .< low0)
        high0.replace(with: high1, where: high1 .> high0)
        high2.replace(with: high3, where: high3 .> high2)
        high0.replace(with: high2, where: high2 .> high0)
        return (Swift.min(low0[0], low0[1]), Swift.max(high0[0], high0[1]))
    }

    /// Writes each account's rank (1-based) into `ranks` (index i for account i).
    ///
    /// - Parameters:
    ///   - keys: The ranking key of every account; finite.
    ///   - grades: ``Grade/order`` of every account.
    ///   - range: The smallest and largest of `keys` (exactly; the caller may have found
    ///     them while writing the keys).
    ///   - ranks: Output: account i's rank at `(i / 256) · panelStride + i % 256` (with
    ///     `panelStride` 256, at i; SMAA passes its panel-major block layout).
    mutating func rank(
        keys: UncheckedView<Double>, grades: UncheckedView<UInt8>, range: (low: Double, high: Double),
        into ranks: UncheckedMutableView<Int32>, panelStride: Int = 256
    ) {
        let n = count
        guard n > 0 else { return }
        precondition(keys.count >= n && grades.count >= n, "DrawRanker needs one key and grade per account")
        precondition(
            panelStride >= 256 && ranks.count > ((n - 1) >> 8) * panelStride + ((n - 1) & 255), "DrawRanker's rank layout is too small")
        let (low, high) = range
        let largestPosition = Double((UInt64(1) << UInt64(positionBits)) - 1)
        var scale = high > low ? largestPosition / (high - low) : 0
        if !scale.isFinite { scale = 0 }
        let gradeFirst = self.gradeFirst
        let passes = self.passes
        let digitBits = self.digitBits
        let buckets = 1 << digitBits
        let mask = UInt64(buckets - 1)
        let positionShift = UInt64(61 - positionBits)
        let shift0 = UInt64(64 - passes * digitBits)
        let shift1 = shift0 + UInt64(digitBits)
        let shift2 = shift1 + UInt64(digitBits)
        // Table t of pass p starts at (2p + t) · buckets.
        let even0 = 0
        let odd0 = buckets
        let even1 = 2 * buckets
        let odd1 = 3 * buckets
        let even2 = 4 * buckets
        let odd2 = 5 * buckets
        digitCounts.withUncheckedMutableView { counts in
            for slot in 0..<counts.count { counts[slot] = 0 }
            records.withUncheckedMutableView { records in
                // Without branches, so that the loop vectorizes: the group by a mask, and the
                // position rounded to the nearest integer by adding 2⁵² (x ∈ [0, 2⁵² − 1] lands in
                // [2⁵², 2⁵³), where the spacing is 1, so the low 52 bits are x rounded; rounding is
                // monotone, so the position still never increases with the key).
                let groupMask: UInt64 = gradeFirst ? 7 : 0
                let positionMask: UInt64 = (1 << 52) - 1
                let third = passes == 3
                // Records are built a slice at a time and their digits counted while the slice
                // is in the first-level cache (one pass over the records instead of two).
                let slice = 1024
                var from = 0
                while from < n {
                    let to = Swift.min(n, from &+ slice)
                    for i in from..<to {
                        let group = UInt64(grades[i]) & groupMask
                        // ≥ 0: high ≥ key, and rounding keeps the order.
                        let x = Swift.min((high - keys[i]) * scale, largestPosition)
                        let position = (x + 0x1p52).bitPattern & positionMask
                        records[i] = group &<< 61 | position &<< positionShift | UInt64(truncatingIfNeeded: i)
                    }
                    var i = from
                    while i &+ 2 <= to {
                        let a = records[i]
                        let b = records[i &+ 1]
                        counts[even0 &+ Int((a &>> shift0) & mask)] &+= 1
                        counts[odd0 &+ Int((b &>> shift0) & mask)] &+= 1
                        counts[even1 &+ Int((a &>> shift1) & mask)] &+= 1
                        counts[odd1 &+ Int((b &>> shift1) & mask)] &+= 1
                        if third {
                            counts[even2 &+ Int((a &>> shift2) & mask)] &+= 1
                            counts[odd2 &+ Int((b &>> shift2) & mask)] &+= 1
                        }
                        i &+= 2
                    }
                    if i < to {
                        let a = records[i]
                        counts[even0 &+ Int((a &>> shift0) & mask)] &+= 1
                        counts[even1 &+ Int((a &>> shift1) & mask)] &+= 1
                        if third { counts[even2 &+ Int((a &>> shift2) & mask)] &+= 1 }
                    }
                    from = to
                }
            }
        }
        // Counting passes, least significant digit first; a pass whose digit is the same
        // for every record is skipped.
        var sortedInRecords = true
        for pass in 0..<passes {
            let shift = shift0 + UInt64(pass * digitBits)
            let base = 2 * pass * buckets
            let skip = digitCounts.withUncheckedMutableView { counts in
                let digit = records.withUncheckedView { records in Int((records[0] &>> shift) & mask) }
                if Int(counts[base &+ digit] &+ counts[base &+ buckets &+ digit]) == n { return true }
                var offset: UInt32 = 0
                for digit in 0..<buckets {
                    let size = counts[base &+ digit] &+ counts[base &+ buckets &+ digit]
                    counts[base &+ digit] = offset
                    offset &+= size
                }
                return false
            }
            if skip { continue }
            func scatter(from source: [UInt64], into target: inout [UInt64], counts: inout [UInt32]) {
                source.withUncheckedView { source in
                    target.withUncheckedMutableView { target in
                        counts.withUncheckedMutableView { counts in
                            for i in 0..<n {
                                let record = source[i]
                                let slot = base &+ Int((record &>> shift) & mask)
                                let at = counts[slot]
                                target[Int(at)] = record
                                counts[slot] = at &+ 1
                            }
                        }
                    }
                }
            }
            if sortedInRecords {
                scatter(from: records, into: &spare, counts: &digitCounts)
            } else {
                scatter(from: spare, into: &records, counts: &digitCounts)
            }
            sortedInRecords.toggle()
        }
        if !sortedInRecords { swap(&records, &spare) }
        finishAndRank(keys: keys, into: ranks, panelStride: panelStride)
    }

    /// Orders the records completely and writes the ranks. After the counting passes the
    /// records are in code order, so only records that share a code can be out of order:
    /// one insertion pass over all of them (group, fine position, index, as integers) finishes
    /// them, each record moving only within its run of equal codes. If the records move more
    /// than about 4n places in all (keys crowded into a sliver of their range, so that long
    /// runs share a code), the pass stops and a comparison sort of all the records (the same
    /// order) finishes them. Records that share group and fine position too are then ordered
    /// by key, highest first, ties by index.
    private mutating func finishAndRank(keys: UncheckedView<Double>, into ranks: UncheckedMutableView<Int32>, panelStride: Int) {
        let n = count
        let limit = Self.insertionLimit
        let indexShift = UInt64(indexBits)
        let indexMask = (UInt64(1) << indexShift) - 1
        let budget = 4 &* n &+ 64
        let finished = records.withUncheckedMutableView { records in
            var moves = 0
            var i = 1
            while i < n {
                let record = records[i]
                if records[i &- 1] > record {
                    var j = i &- 1
                    repeat {
                        records[j &+ 1] = records[j]
                        j &-= 1
                        moves &+= 1
                    } while j >= 0 && records[j] > record
                    records[j &+ 1] = record
                    if moves > budget { return false }
                }
                i &+= 1
            }
            return true
        }
        if !finished { records.sort() }
        records.withUncheckedMutableView { records in
            // Account i's rank at (i / 256) · panelStride + i % 256; neighbours sharing group
            // and fine position (rare) are counted in the same pass, without a branch.
            var shared = 0
            var previous = ~records[0]
            for position in 0..<n {
                let record = records[position]
                shared &+= (previous ^ record) &>> indexShift == 0 ? 1 : 0
                previous = record
                let i = Int(truncatingIfNeeded: record & indexMask)
                ranks[(i &>> 8) &* panelStride &+ (i & 255)] = Int32(truncatingIfNeeded: position &+ 1)
            }
            guard shared > 0 else { return }
            // Runs sharing group and fine position: ordered by key, and their ranks written again.
            var tie = 0
            while tie < n {
                let fine = records[tie] &>> indexShift
                var tieEnd = tie &+ 1
                while tieEnd < n && records[tieEnd] &>> indexShift == fine { tieEnd &+= 1 }
                if tieEnd &- tie > 1 {
                    Self.sortByKey(records, tie..<tieEnd, keys: keys, indexMask: indexMask, limit: limit)
                    for position in tie..<tieEnd {
                        let i = Int(truncatingIfNeeded: records[position] & indexMask)
                        ranks[(i &>> 8) &* panelStride &+ (i & 255)] = Int32(truncatingIfNeeded: position &+ 1)
                    }
                }
                tie = tieEnd
            }
        }
    }

    /// Records that share group and fine position (in index order): by key, highest first,
    /// ties by index.
    private static func sortByKey(
        _ records: UncheckedMutableView<UInt64>, _ run: Range<Int>, keys: UncheckedView<Double>, indexMask: UInt64, limit: Int
    ) {
        if run.count > limit {
            let sorted = run.map { records[$0] }.sorted { x, y in
                let kx = keys[Int(truncatingIfNeeded: x & indexMask)]
                let ky = keys[Int(truncatingIfNeeded: y & indexMask)]
                return kx > ky || (kx == ky && x < y)
            }
            for (offset, record) in sorted.enumerated() { records[run.lowerBound &+ offset] = record }
            return
        }
        // Stable insertion sort by key, highest first.
        var i = run.lowerBound &+ 1
        while i < run.upperBound {
            let record = records[i]
            let key = keys[Int(truncatingIfNeeded: record & indexMask)]
            var j = i &- 1
            while j >= run.lowerBound && keys[Int(truncatingIfNeeded: records[j] & indexMask)] < key {
                records[j &+ 1] = records[j]
                j &-= 1
            }
            records[j &+ 1] = record
            i &+= 1
        }
    }
}
