/// Ranks every account under one weight draw in expected O(n) time, without a comparison
/// sort of the whole list.
///
/// The order is the ranking policy's: with `gradeFirst`, by grade (A … D, insufficient),
/// then by key, highest first; without it by key alone; ties go to the lower index. The
/// caller numbers accounts in ascending id order, which makes this exactly
/// ``BatchAssessment/rankedRows()``'s order.
///
/// How: accounts are counted into groups (one per grade with `gradeFirst`, else one), and
/// within a group into as many buckets as the group has accounts, by the linear position of
/// their key between the group's largest and smallest key. The bucket index is a
/// non-increasing function of the key, so buckets are already in rank order; accounts are
/// scattered into buckets in index order (a stable counting sort), which gives each one its
/// rank unless its bucket is shared; a shared bucket is finished by a stable insertion sort
/// on the key (more than 32 accounts: a comparison sort, ties by index, so the worst case
/// stays O(n log n)). Keys spread evenly put about one account in each bucket, so the work
/// is a few linear passes.
struct DrawRanker {
    let count: Int
    let gradeFirst: Bool

    private var bucketStart: [Int32]
    private var sortedIndex: [Int32]
    // The keys beside the indices, so that finishing a shared bucket reads memory in order.
    private var sortedKey: [Double]

    init(count: Int, gradeFirst: Bool) {
        self.count = count
        self.gradeFirst = gradeFirst
        bucketStart = [Int32](repeating: 0, count: count + 1)
        sortedIndex = [Int32](repeating: 0, count: count)
        sortedKey = [Double](repeating: 0, count: count)
    }

    /// Writes each account's rank (1-based) into `ranks`.
    ///
    /// - Parameters:
    ///   - keys: The ranking key of every account (higher ranks first); finite.
    ///   - grades: ``Grade/order`` of every account (0 = A … 4 = insufficient).
    ///   - ranks: Output, one per account.
    mutating func rank(keys: [Double], grades: [UInt8], into ranks: inout [Int32]) {
        let n = count
        guard n > 0 else { return }
        precondition(keys.count == n && grades.count == n && ranks.count == n, "DrawRanker needs one key, grade and rank per account")
        let gradeFirst = self.gradeFirst
        // Groups: counts and key ranges (fixed-size tuples would do; five-element arrays stay in L1).
        var groupCount = [Int](repeating: 0, count: 5)
        var groupMin = [Double](repeating: .infinity, count: 5)
        var groupMax = [Double](repeating: -.infinity, count: 5)
        keys.withUnsafeBufferPointer { keys in
            grades.withUnsafeBufferPointer { grades in
                for i in 0..<n {
                    let g = gradeFirst ? Int(grades[i]) : 0
                    groupCount[g] += 1
                    let key = keys[i]
                    if key < groupMin[g] { groupMin[g] = key }
                    if key > groupMax[g] { groupMax[g] = key }
                }
            }
        }
        var groupStart = [Int](repeating: 0, count: 6)
        for g in 0..<5 { groupStart[g + 1] = groupStart[g] + groupCount[g] }
        var scale = [Double](repeating: 0, count: 5)
        for g in 0..<5 where groupCount[g] > 1 && groupMax[g] > groupMin[g] {
            scale[g] = Double(groupCount[g] - 1) / (groupMax[g] - groupMin[g])
        }
        keys.withUnsafeBufferPointer { keys in
            grades.withUnsafeBufferPointer { grades in
                groupCount.withUnsafeBufferPointer { groupCount in
                    groupStart.withUnsafeBufferPointer { groupStart in
                        groupMax.withUnsafeBufferPointer { groupMax in
                            scale.withUnsafeBufferPointer { scale in
                                bucketStart.withUnsafeMutableBufferPointer { bucketStart in
                                    sortedIndex.withUnsafeMutableBufferPointer { sortedIndex in
                                        sortedKey.withUnsafeMutableBufferPointer { sortedKey in
                                            ranks.withUnsafeMutableBufferPointer { ranks in
                                                @inline(__always) func bucket(_ i: Int) -> Int {
                                                    let g = gradeFirst ? Int(grades[i]) : 0
                                                    var local = Int((groupMax[g] - keys[i]) * scale[g])
                                                    if local >= groupCount[g] { local = groupCount[g] - 1 }
                                                    if local < 0 { local = 0 }
                                                    return groupStart[g] + local
                                                }
                                                // Bucket sizes at index bucket + 1, then starts.
                                                for b in 0...n { bucketStart[b] = 0 }
                                                for i in 0..<n { bucketStart[bucket(i) + 1] &+= 1 }
                                                for b in 0..<n { bucketStart[b + 1] &+= bucketStart[b] }
                                                // Stable scatter in index order; bucketStart[b] runs to
                                                // the bucket's end. A lone account's slot is its rank.
                                                for i in 0..<n {
                                                    let b = bucket(i)
                                                    let slot = Int(bucketStart[b])
                                                    sortedIndex[slot] = Int32(i)
                                                    sortedKey[slot] = keys[i]
                                                    ranks[i] = Int32(slot + 1)
                                                    bucketStart[b] = Int32(slot + 1)
                                                }
                                                // Bucket b now spans [end of bucket b − 1, bucketStart[b]).
                                                var start = 0
                                                for b in 0..<n {
                                                    let end = Int(bucketStart[b])
                                                    if end - start > 32 {
                                                        // A crowded bucket (clustered keys): comparison
                                                        // sort of its slots, ties by index.
                                                        var slots = Array(start..<end)
                                                        slots.sort { x, y in
                                                            let kx = sortedKey[x]
                                                            let ky = sortedKey[y]
                                                            return kx > ky || (kx == ky && sortedIndex[x] < sortedIndex[y])
                                                        }
                                                        let indices = slots.map { sortedIndex[$0] }
                                                        let bucketKeys = slots.map { sortedKey[$0] }
                                                        for (offset, position) in (start..<end).enumerated() {
                                                            sortedIndex[position] = indices[offset]
                                                            sortedKey[position] = bucketKeys[offset]
                                                            ranks[Int(indices[offset])] = Int32(position + 1)
                                                        }
                                                    } else if end - start > 1 {
                                                        // Stable insertion sort by key, highest first.
                                                        var i = start + 1
                                                        while i < end {
                                                            let item = sortedIndex[i]
                                                            let key = sortedKey[i]
                                                            var j = i - 1
                                                            while j >= start && sortedKey[j] < key {
                                                                sortedIndex[j + 1] = sortedIndex[j]
                                                                sortedKey[j + 1] = sortedKey[j]
                                                                j -= 1
                                                            }
                                                            sortedIndex[j + 1] = item
                                                            sortedKey[j + 1] = key
                                                            i += 1
                                                        }
                                                        for position in start..<end {
                                                            ranks[Int(sortedIndex[position])] = Int32(position + 1)
                                                        }
                                                    }
                                                    if end > start { start = end }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
