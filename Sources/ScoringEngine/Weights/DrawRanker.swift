/// Ranks every account under one weight draw in linear time: a stable least-significant-digit
/// radix sort of 32-bit codes, then exact tie-breaking on the keys.
///
/// The order is the ranking policy's: with `gradeFirst`, by grade (A … D, insufficient),
/// then by key, highest first; without it by key alone; ties go to the lower index. The
/// caller numbers accounts in ascending id order, which makes this exactly
/// ``BatchAssessment/rankedRows()``'s order.
///
/// How: each account gets a code whose top 3 bits are its group (its grade with
/// `gradeFirst`, else 0) and whose other bits are the key's position between the draw's
/// largest and smallest key, `⌊(largest − key) · scale⌋`, a non-increasing function of the
/// key (every step of it rounds monotonically). The records `code << 32 | index` are sorted
/// by code with two or three stable counting passes (at most 4,096 counters, in L1;
/// sequential reads and a few thousand write streams, instead of the random accesses of a
/// bucket per account). A lower code then means a strictly better place; accounts sharing a code (equal
/// or nearly equal keys) are in index order and are finished by a stable insertion sort on
/// the key (more than 32: a comparison sort, ties by index, so the worst case stays
/// O(n log n)). The rank of the account at sorted position p is p + 1.
///
/// Up to 2,048 accounts: 16-bit codes (two passes of 8 bits, 2¹³ key positions); up to
/// 262,144: 24-bit codes (two passes of 12 bits, 2²¹ positions); more: 30-bit codes (three
/// passes of 10 bits, 2²⁷ positions).
struct DrawRanker {
    let count: Int
    let gradeFirst: Bool

    /// Bits of the key's position inside the code (below the 3 group bits).
    private let positionBits: Int
    /// Counting passes of `digitBits` bits each over the code.
    private let passes: Int
    private let digitBits: Int
    /// Runs of equal codes up to this length are finished by insertion sort.
    static let insertionLimit = 32

    private var records: [UInt64]
    private var spare: [UInt64]
    /// `passes` × 2,048 digit counts, then offsets.
    private var digitCounts: [UInt32]
    private var runKeys: [Double] = []
    private var runIndices: [UInt32] = []

    init(count: Int, gradeFirst: Bool) {
        precondition(count >= 0 && count < Int(UInt32.max), "DrawRanker ranks fewer than 2³² accounts")
        self.count = count
        self.gradeFirst = gradeFirst
        // Code bits = passes × digit bits; the key's position gets all but the 3 group bits,
        // at least 4 positions per account, so that few accounts share a code.
        (passes, digitBits) = count <= 2048 ? (2, 8) : count <= 1 << 18 ? (2, 12) : (3, 10)
        positionBits = passes * digitBits - 3
        records = [UInt64](repeating: 0, count: count)
        spare = [UInt64](repeating: 0, count: count)
        digitCounts = [UInt32](repeating: 0, count: passes << digitBits)
    }

    /// Writes each account's rank (1-based) into `ranks`.
    ///
    /// - Parameters:
    ///   - keys: The ranking key of every account (higher ranks first); finite.
    ///   - grades: ``Grade/order`` of every account (0 = A … 4 = insufficient).
    ///   - ranks: Output, one per account.
    /// - Complexity: O(n) for keys that are not crowded into a sliver of their range.
    mutating func rank(keys: [Double], grades: [UInt8], into ranks: inout [Int32]) {
        let n = count
        guard n > 0 else { return }
        precondition(keys.count == n && grades.count == n && ranks.count == n, "DrawRanker needs one key, grade and rank per account")
        let gradeFirst = self.gradeFirst
        // The key range over all accounts (four independent minima and maxima, so the
        // loop is not one long dependency chain; no branch on the grade).
        var lowest = (Double.infinity, Double.infinity, Double.infinity, Double.infinity)
        var highest = (-Double.infinity, -Double.infinity, -Double.infinity, -Double.infinity)
        keys.withUncheckedView { keys in
            var i = 0
            while i + 4 <= n {
                lowest.0 = Swift.min(lowest.0, keys[i]); highest.0 = Swift.max(highest.0, keys[i])
                lowest.1 = Swift.min(lowest.1, keys[i + 1]); highest.1 = Swift.max(highest.1, keys[i + 1])
                lowest.2 = Swift.min(lowest.2, keys[i + 2]); highest.2 = Swift.max(highest.2, keys[i + 2])
                lowest.3 = Swift.min(lowest.3, keys[i + 3]); highest.3 = Swift.max(highest.3, keys[i + 3])
                i += 4
            }
            while i < n {
                lowest.0 = Swift.min(lowest.0, keys[i]); highest.0 = Swift.max(highest.0, keys[i])
                i += 1
            }
        }
        let low = Swift.min(Swift.min(lowest.0, lowest.1), Swift.min(lowest.2, lowest.3))
        let high = Swift.max(Swift.max(highest.0, highest.1), Swift.max(highest.2, highest.3))
        let positionBits = self.positionBits
        let largestPosition = Double((1 << positionBits) - 1)
        var scale = high > low ? largestPosition / (high - low) : 0
        if !scale.isFinite { scale = 0 }
        let passes = self.passes
        let digitBits = self.digitBits
        let mask = UInt64((1 << digitBits) - 1)
        let buckets = 1 << digitBits
        digitCounts.withUncheckedMutableView { counts in
            for slot in 0..<(passes * buckets) { counts[slot] = 0 }
            keys.withUncheckedView { keys in
                grades.withUncheckedView { grades in
                    records.withUncheckedMutableView { records in
                        for i in 0..<n {
                            let group = gradeFirst ? UInt64(grades[i]) : 0
                            // ≥ 0: high ≥ key, and rounding keeps the order.
                            let position = Swift.min((high - keys[i]) * scale, largestPosition)
                            let code = group << positionBits | UInt64(position)
                            let record = code << 32 | UInt64(i)
                            records[i] = record
                            for pass in 0..<passes {
                                counts[pass * buckets + Int((record >> UInt64(32 + pass * digitBits)) & mask)] &+= 1
                            }
                        }
                    }
                }
            }
        }
        // Counting passes, least significant digit first; a pass whose digit is the same
        // for every record is skipped.
        var sortedInRecords = true
        for pass in 0..<passes {
            let shift = UInt64(32 + pass * digitBits)
            let base = pass * buckets
            let skip = digitCounts.withUncheckedView { counts in
                records.withUncheckedView { records in
                    Int(counts[base + Int((records[0] >> shift) & mask)]) == n
                }
            }
            if skip { continue }
            digitCounts.withUncheckedMutableView { counts in
                var offset: UInt32 = 0
                for digit in 0..<buckets {
                    let size = counts[base + digit]
                    counts[base + digit] = offset
                    offset &+= size
                }
            }
            func scatter(from source: [UInt64], into target: inout [UInt64], counts: inout [UInt32]) {
                source.withUncheckedView { source in
                    target.withUncheckedMutableView { target in
                        counts.withUncheckedMutableView { counts in
                            for i in 0..<n {
                                let record = source[i]
                                let slot = base + Int((record >> shift) & mask)
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
        finishRunsAndRank(keys: keys, into: &ranks)
    }

    /// Orders each run of equal codes by key (highest first, ties by index: the run is in
    /// index order and the sort is stable), then writes every account's rank.
    private mutating func finishRunsAndRank(keys: [Double], into ranks: inout [Int32]) {
        let n = count
        let limit = Self.insertionLimit
        var start = 0
        while start < n {
            let code = records[start] >> 32
            var end = start + 1
            while end < n && records[end] >> 32 == code { end += 1 }
            if end - start > 1 { finishRun(start..<end, keys: keys, limit: limit) }
            start = end
        }
        records.withUncheckedView { records in
            ranks.withUncheckedMutableView { ranks in
                for position in 0..<n { ranks[Int(records[position] & 0xFFFF_FFFF)] = Int32(position + 1) }
            }
        }
    }

    private mutating func finishRun(_ run: Range<Int>, keys: [Double], limit: Int) {
        runKeys.removeAll(keepingCapacity: true)
        runIndices.removeAll(keepingCapacity: true)
        for position in run {
            let index = UInt32(truncatingIfNeeded: records[position])
            runIndices.append(index)
            runKeys.append(keys[Int(index)])
        }
        let length = run.count
        if length > limit {
            let order = (0..<length).sorted { x, y in
                runKeys[x] > runKeys[y] || (runKeys[x] == runKeys[y] && runIndices[x] < runIndices[y])
            }
            let indices = order.map { runIndices[$0] }
            for (offset, position) in run.enumerated() { records[position] = UInt64(indices[offset]) }
            return
        }
        // Stable insertion sort by key, highest first.
        var i = 1
        while i < length {
            let index = runIndices[i]
            let key = runKeys[i]
            var j = i - 1
            while j >= 0 && runKeys[j] < key {
                runIndices[j + 1] = runIndices[j]
                runKeys[j + 1] = runKeys[j]
                j -= 1
            }
            runIndices[j + 1] = index
            runKeys[j + 1] = key
            i += 1
        }
        for (offset, position) in run.enumerated() { records[position] = UInt64(runIndices[offset]) }
    }
}
