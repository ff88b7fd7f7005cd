import Dispatch
import Foundation
import ScoringEngine

/// Every accepted account of a stream, to be read back in rank order, in bounded memory: an
/// external merge sort, which may carry each account's record text along.
///
/// Entries are collected in memory up to `capacity` (or, when records are carried, until
/// the entries and their text fill `capacity × 48` bytes); when the buffer is full it is
/// sorted and written to a temporary file as sorted runs (each its entries, then its
/// records' text in the same order), and the buffer starts again. At the end the runs (and
/// the last buffer, sorted in memory) are merged k ways with a binary heap of their heads.
/// Without a spill this is one in-memory sort.
///
/// A buffer of at least ``halvesMinimum`` entries is sorted as two halves in place, side by
/// side on two threads, and a spilled buffer's halves are written side by side as two runs
/// (the file is written by position): the thread that collects the entries is the one
/// the whole ranking waits for, and the other processor is mostly idle meanwhile. With
/// ``keys`` (a ranking's), each part is sorted by a radix sort of its keys, the ranking's
/// own comparison deciding only between equal keys (``sort(_:keys:by:)``).
///
/// Carrying the records (a ranking of every row) lets the rows be written in rank order
/// from sequential reads of the runs, instead of reading each record again from the list
/// by its position (a random read per row, or a whole block per page).
///
/// ## Contract
///
/// `ranksBefore` must be a strict total order (the ranking order breaks every tie by the
/// account id, and ids are unique), so the merged sequence is the one sorted sequence: the
/// same entries in the same order as sorting all of them in memory, whatever the capacity.
///
/// Memory: the buffer (at most `capacity` entries, or `capacity × 48` bytes of entries and
/// text; while a run is sorted, the sort by keys borrows 24 bytes an entry, the standard
/// library's sort 20; each half written gathers its records in blocks of about 1 MiB), plus
/// a read buffer of ``readBufferEntries`` entries (and their text) per run
/// while merging. The temporary file (``TemporaryFile``) disappears when the process ends,
/// however it ends.
final class RankedRuns {
    /// The most entries kept in memory before a run is written.
    let capacity: Int
    /// Entries read from a run file at a time while merging.
    let readBufferEntries: Int
    /// Whether each entry carries its record's text (see ``append(_:record:ranksBefore:)``).
    let carriesRecords: Bool
    /// From this many entries on, a buffer is sorted and written as two halves
    /// (``halvesMinimum``; tests lower it).
    let halvesFrom: Int
    /// The key entries are compared by first, if the order has one (``RankKeys``).
    let keys: RankKeys?
    /// Set once an entry with a NaN key is sorted: from then on (and in the merge) entries
    /// are compared with the order alone.
    private var keyless = false
    /// With records: the most bytes of entries and text kept in memory.
    private var byteCapacity: Int { capacity * MemoryLayout<RankedEntry>.stride }

    private var buffer: [RankedEntry] = []
    /// The buffer's records, back to back; an entry's `position.offset` and `length` say
    /// where its record is while it is in the buffer.
    private var text: [UInt8] = []
    /// The runs written: where their entries and text start in the temporary file, and their
    /// entry count.
    private var runs: [Run] = []
    fileprivate var file: TemporaryFile?
    private var written = 0
    /// Entries collected.
    private(set) var count = 0
    /// Why a run could not be written, if one could not (the collection is then void).
    private(set) var failure: DatasetError?

    struct Run {
        var entryOffset: Int
        var textOffset: Int
        var count: Int
    }

    /// - Parameters:
    ///   - capacity: The most entries kept in memory (at least 1).
    ///   - readBufferEntries: Entries read back from each run at a time while merging.
    ///   - carriesRecords: Whether each entry carries its record's text.
    ///   - halvesFrom: From this many entries on, a buffer is sorted and written as two halves.
    ///   - keys: The key the order compares first (its unsigned order never contradicts
    ///     `ranksBefore`), or `nil` to compare with `ranksBefore` alone.
    init(
        capacity: Int, readBufferEntries: Int = 4096, carriesRecords: Bool = false, halvesFrom: Int = halvesMinimum,
        keys: RankKeys? = nil
    ) {
        precondition(capacity >= 1 && readBufferEntries >= 1, "A run and a read hold at least one entry")
        self.capacity = capacity
        self.readBufferEntries = readBufferEntries
        self.carriesRecords = carriesRecords
        self.halvesFrom = Swift.max(halvesFrom, 2)
        self.keys = keys
        if carriesRecords {
            // Reserved whole (address space only until it is written), so that the buffers
            // never double: a doubling holds the old and the new storage at once.
            buffer.reserveCapacity(capacity)
            text.reserveCapacity(capacity * MemoryLayout<RankedEntry>.stride)
        } else {
            buffer.reserveCapacity(Swift.min(capacity, 1 << 16))
        }
    }

    /// How many runs were written to disk so far.
    var spilledRuns: Int { runs.count }

    /// Whether the buffer is full.
    private var isFull: Bool {
        buffer.count >= capacity
            || (carriesRecords && buffer.count * MemoryLayout<RankedEntry>.stride + text.count >= byteCapacity)
    }

    /// Adds an entry (with its record's text when the collection carries records), writing
    /// a sorted run first when the buffer is full. If a run cannot be written (a full disk,
    /// say), records ``failure`` and drops the entries.
    func append(
        _ entry: RankedEntry, record: ByteView? = nil,
        ranksBefore: (RankedEntry, RankedEntry) -> Bool
    ) {
        precondition((record != nil) == carriesRecords, "Records are carried by every entry or none")
        if isFull && !buffer.isEmpty {
            guard failure == nil else { return }
            do {
                try spill(ranksBefore: ranksBefore)
            } catch {
                failure = error
                buffer = []
                text = []
                return
            }
        }
        if buffer.count == buffer.capacity && buffer.capacity < capacity {
            // Grow by doubling, but never past the capacity (plain appends could overshoot it
            // by up to half again).
            buffer.reserveCapacity(Swift.min(capacity, Swift.max(2 * buffer.capacity, 16)))
        }
        var entry = entry
        if let record {
            entry.position.offset = Int32(text.count)
            entry.position.length = Int32(record.count)
            text.append(record)  // one copy of the bytes, not byte by byte
        }
        buffer.append(entry)
        count += 1
    }

    /// Sorts the buffer and writes it as sorted runs (two halves side by side, or one), each
    /// its entries and then its records in the same order, one after the other in the file.
    private func spill(ranksBefore: (RankedEntry, RankedEntry) -> Bool) throws(DatasetError) {
        if self.file == nil { self.file = try TemporaryFile(prefix: "rank", contents: Self.contents, advice: Self.advice) }
        guard let file else { return }
        let parts = Self.parts(of: buffer.count, from: halvesFrom)
        sortBuffer(parts: parts, by: ranksBefore)
        var placed: [Run] = []
        for part in parts {
            let textLength = carriesRecords ? buffer[part].reduce(0) { $0 + Int($1.position.length) } : 0
            let entryBytes = part.count * MemoryLayout<RankedEntry>.stride
            placed.append(Run(entryOffset: written, textOffset: written + entryBytes, count: part.count))
            written += entryBytes + textLength
        }
        do {
            // (In a scope of its own, so that the job's hold on the buffer ends before the
            // buffer is emptied, keeping its storage.)
            let job = RunWrites(entries: buffer, records: carriesRecords ? text : nil, file: file, runs: placed, parts: parts)
            DispatchQueue.concurrentPerform(iterations: parts.count) { job.write($0) }
            for result in job.results {
                if let failure = result.failure { throw failure }
                touched |= result.touched
            }
        }
        runs += placed
        buffer.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
    }

    /// The runs of one spill, written side by side: each thread gathers one part's records
    /// and keeps what it found in that part's result, read after `concurrentPerform` returns.
    /// The file is written by position, so the writes do not meet; they take turns
    /// (`writing`), because writes to one file take its lock in the kernel, where the waiting
    /// thread spins (at 1e7 rows, 1.4 s of processor time spent spinning).
    private final class RunWrites: @unchecked Sendable {
        let entries: [RankedEntry]
        let records: [UInt8]?
        let file: TemporaryFile
        let runs: [Run]
        let parts: [Range<Int>]
        let results: [Result]
        let writing = NSLock()

        /// One part's outcome, written only by the thread that writes the part.
        final class Result {
            var touched: UInt8 = 0
            var failure: DatasetError?
        }

        init(entries: [RankedEntry], records: [UInt8]?, file: TemporaryFile, runs: [Run], parts: [Range<Int>]) {
            self.entries = entries
            self.records = records
            self.file = file
            self.runs = runs
            self.parts = parts
            results = parts.map { _ in Result() }
        }

        func write(_ index: Int) {
            do throws(DatasetError) {
                results[index].touched = try RankedRuns.writeRun(
                    entries, parts[index], records: records, to: file, at: runs[index], taking: writing)
            } catch {
                results[index].failure = error
            }
        }
    }

    /// Writes `entries[part]` (sorted) at `run.entryOffset`, then, given the records they
    /// point into, their records in the same order at `run.textOffset`, gathered in blocks of
    /// about 1 MiB.
    ///
    /// - Parameter turn: Held during each write, when other threads write the same file.
    /// - Returns: The OR of the bytes read ahead (for ``touched``).
    fileprivate static func writeRun(
        _ entries: [RankedEntry], _ part: Range<Int>, records: [UInt8]?, to file: TemporaryFile, at run: Run,
        taking turn: NSLock
    ) throws(DatasetError) -> UInt8 {
        do {
            turn.lock()
            defer { turn.unlock() }
            try file.write(entries[part], at: run.entryOffset)
        }
        guard let records else { return 0 }
        var touched: UInt8 = 0
        var offset = run.textOffset
        var sorted: [UInt8] = []
        sorted.reserveCapacity(Swift.min(records.count, 1 << 20) + (1 << 16))
        var start = part.lowerBound
        while start < part.upperBound {
            let end = Swift.min(start + 4096, part.upperBound)
            touched |= gather(entries, start..<end, from: records, into: &sorted)
            start = end
            if sorted.count >= 1 << 20 || start == part.upperBound {
                turn.lock()
                defer { turn.unlock() }
                try file.write(sorted, at: offset)
                offset += sorted.count
                sorted.removeAll(keepingCapacity: true)
            }
        }
        return touched
    }

    /// The parts a buffer of `count` entries is sorted and written in: two halves when there
    /// are at least `minimum` entries and two processors, else the whole.
    static func parts(of count: Int, from minimum: Int) -> [Range<Int>] {
        guard count >= minimum, ProcessInfo.processInfo.activeProcessorCount > 1 else { return [0..<count] }
        return [0..<(count / 2), (count / 2)..<count]
    }

    /// An OR of bytes read only to bring records into the cache ahead of their copy (kept so
    /// that the reads are not optimized away).
    fileprivate var touched: UInt8 = 0

    /// Appends the records of `entries[range]` (each `position.length` bytes at its
    /// `position.offset` in `text`) to `out`, back to back, in the order of the entries.
    ///
    /// Records in rank order are scattered over `text`: each is a cache miss (and a TLB miss
    /// in a buffer of many megabytes). The first byte of 16 records is read before the 16 are
    /// copied, so that their misses overlap instead of coming one after another.
    ///
    /// - Returns: The OR of the bytes read ahead (for ``touched``).
    fileprivate static func gather(_ entries: [RankedEntry], _ range: Range<Int>, from text: [UInt8], into out: inout [UInt8]) -> UInt8 {
        var touched: UInt8 = 0
        text.withByteView { text in
            var start = range.lowerBound
            while start < range.upperBound {
                let end = Swift.min(start + 16, range.upperBound)
                for index in start..<end where entries[index].position.length > 0 {
                    touched |= text[Int(entries[index].position.offset)]
                }
                for index in start..<end {
                    let offset = Int(entries[index].position.offset)
                    out.append(text.rebased(offset..<(offset + Int(entries[index].position.length))))
                }
                start = end
            }
        }
        return touched
    }

    /// Reads the entries back in rank order; the collection is spent afterwards.
    ///
    /// - Throws: ``failure``, if a run could not be written.
    ///
    /// The last buffer is sorted in place, as two halves side by side when it is large (the
    /// merge reads them as two runs): nothing else runs while it is sorted.
    func sorted(ranksBefore: @escaping (RankedEntry, RankedEntry) -> Bool) throws(DatasetError) -> Merge {
        if let failure { throw failure }
        let parts = Self.parts(of: buffer.count, from: halvesFrom)
        sortBuffer(parts: parts, by: ranksBefore)
        let last = buffer
        let lastText = text
        buffer = []
        text = []
        return Merge(
            owner: self, runs: runs, memory: last, memoryParts: parts, memoryText: lastText, keys: keyless ? nil : keys,
            ranksBefore: ranksBefore)
    }

    /// Sorts each range of `parts` of the buffer in place, side by side: by ``keys`` first,
    /// when there are keys and no key is NaN (which no score makes, and which no key orders;
    /// ``sort(_:keys:by:)``), else with `ranksBefore` alone.
    private func sortBuffer(parts: [Range<Int>], by ranksBefore: (RankedEntry, RankedEntry) -> Bool) {
        if keys != nil && buffer.contains(where: { $0.key.isNaN }) { keyless = true }
        guard let keys, !keyless else {
            buffer.sortInPlace(parts: parts, by: ranksBefore)
            return
        }
        buffer.forEachPart(parts) { Self.sort($0, keys: keys, by: ranksBefore) }
    }

    /// Sorts a part of a buffer in place: a radix sort of (key, row) pairs
    /// (``ScoringEngine/RadixSort/sortPairs(keys:rows:)``), `ranksBefore` ordering the rows of
    /// equal keys, then the entries moved into that order, each cycle of the permutation
    /// with one entry held aside. A comparison sort of the 40-byte entries themselves moves
    /// every entry about log₂ n times (a million entries: 20 passes over 40 MB); this moves
    /// 12-byte pairs a few passes (one per byte where the keys differ) and each entry once.
    ///
    /// Memory: 24 bytes an entry while sorting (the pairs and the radix sort's buffer), where
    /// the standard library's merge sort of the entries borrows 20.
    static func sort(_ part: PartView<RankedEntry>, keys: RankKeys, by ranksBefore: (RankedEntry, RankedEntry) -> Bool) {
        let count = part.count
        guard count > 1 else { return }
        guard count < Int(UInt32.max) else {
            part.sort(by: ranksBefore)
            return
        }
        var sortKeys = [UInt64]()
        var rows = [UInt32]()
        sortKeys.reserveCapacity(count)
        rows.reserveCapacity(count)
        for index in 0..<count {
            sortKeys.append(keys.key(part[index]))
            rows.append(UInt32(truncatingIfNeeded: index))
        }
        RadixSort.sortPairs(keys: &sortKeys, rows: &rows)
        var start = 0
        while start < count {
            var end = start + 1
            while end < count && sortKeys[end] == sortKeys[start] { end += 1 }
            if end - start > 1 { rows[start..<end].sort { ranksBefore(part[Int($0)], part[Int($1)]) } }
            start = end
        }
        sortKeys = []
        // Place i takes the entry at rows[i]: follow each cycle once, marking places done.
        let done = UInt32.max
        for first in 0..<count where rows[first] != done {
            let held = part[first]
            var place = first
            while true {
                let source = Int(rows[place])
                rows[place] = done
                if source == first {
                    part[place] = held
                    break
                }
                part[place] = part[source]
                place = source
            }
        }
    }

    /// From this many entries on, a buffer is sorted (and a spilled one written) as two halves
    /// side by side.
    static let halvesMinimum = 1 << 16

    /// The entries of every run in rank order, one at a time.
    final class Merge {
        private struct Source {
            /// Entries read back from a spilled run, or the whole last buffer.
            var entries: [RankedEntry]
            var position = 0
            /// Where this source's entries end in `entries` (a half of the last buffer ends
            /// before it does).
            var end: Int
            /// The records of `entries`, back to back from `textPosition`: read back from the
            /// file (a spilled run), or gathered from `scattered` (the last buffer).
            var text: [UInt8] = []
            var textPosition = 0
            var sequential: Bool
            /// The last buffer's records, at their entries' `position.offset`, and the end of
            /// the entries whose records `text` holds.
            var scattered: [UInt8] = []
            var gatheredEnd = 0
            /// Where the next unread entries and text are in the file, and how many entries remain.
            var fileNext: Int
            var textNext: Int
            var fileRemaining: Int
            /// Where the run's entries and text start in the file (read in order from there, and
            /// given back to the system as they are read: ``TemporaryFile/release(_:of:)``).
            var entryStart = 0
            var textStart = 0
        }
        private var sources: [Source]
        /// A source that is not spent, with the key of its head (``RankKeys``; 0 without
        /// keys), compared before the order is asked.
        private struct Head {
            var key: UInt64
            var source: Int
        }
        /// The sources that are not spent, as a binary min-heap by their heads. Each carries
        /// its head's key, so that sifting compares keys in the heap itself and reads a
        /// source's entry only between equal keys.
        private var heap: [Head] = []
        private let keys: RankKeys?
        /// The collection, which owns the temporary file (kept open while merging).
        private let owner: RankedRuns
        private let ranksBefore: (RankedEntry, RankedEntry) -> Bool
        /// Set when a run could not be read back.
        private(set) var failure: DatasetError?

        /// Whether ``next(record:)`` hands out records.
        var carriesRecords: Bool { owner.carriesRecords }

        /// - Parameters:
        ///   - memory: The last buffer, each range of `memoryParts` of it sorted.
        ///   - memoryText: The last buffer's records.
        ///   - keys: The key the entries are compared by first (no entry's is NaN), if any.
        fileprivate init(
            owner: RankedRuns, runs: [Run], memory: [RankedEntry], memoryParts: [Range<Int>], memoryText: [UInt8],
            keys: RankKeys?, ranksBefore: @escaping (RankedEntry, RankedEntry) -> Bool
        ) {
            self.owner = owner
            self.ranksBefore = ranksBefore
            self.keys = keys
            sources = runs.map {
                Source(
                    entries: [], end: 0, sequential: true, fileNext: $0.entryOffset, textNext: $0.textOffset,
                    fileRemaining: $0.count, entryStart: $0.entryOffset, textStart: $0.textOffset)
            }
            for part in memoryParts {
                sources.append(
                    Source(
                        entries: memory, position: part.lowerBound, end: part.upperBound, sequential: false,
                        scattered: memoryText, gatheredEnd: part.lowerBound, fileNext: 0, textNext: 0, fileRemaining: 0))
            }
            for index in sources.indices {
                if sources[index].fileRemaining > 0 { refill(index) }
                if sources[index].position < sources[index].end { push(index) }
            }
        }

        /// The next entry in rank order, or `nil` when every run is spent.
        ///
        /// - Throws: `DatasetError.unreadable` if a run cannot be read back.
        func next() throws(DatasetError) -> RankedEntry? {
            var none: [UInt8] = []
            return try advance(record: &none, wantsRecord: false)
        }

        /// The next entry in rank order, or `nil` when every run is spent; appends its record
        /// to `record` when the runs carry records and `record` is not `nil`.
        ///
        /// - Throws: `DatasetError.unreadable` if a run cannot be read back.
        func next(record: inout [UInt8]?) throws(DatasetError) -> RankedEntry? {
            guard var text = record else {
                var none: [UInt8] = []
                return try advance(record: &none, wantsRecord: false)
            }
            record = nil
            defer { record = text }
            return try advance(record: &text, wantsRecord: true)
        }

        /// The next entry in rank order, or `nil` when every run is spent; appends its record
        /// to `record` when the runs carry records.
        ///
        /// - Throws: `DatasetError.unreadable` if a run cannot be read back.
        func next(appendingRecordTo record: inout [UInt8]) throws(DatasetError) -> RankedEntry? {
            try advance(record: &record, wantsRecord: true)
        }

        private func advance(record: inout [UInt8], wantsRecord: Bool) throws(DatasetError) -> RankedEntry? {
            if let failure { throw failure }
            guard let top = heap.first?.source else { return nil }
            let entry = sources[top].entries[sources[top].position]
            if owner.carriesRecords {
                if !sources[top].sequential && sources[top].position == sources[top].gatheredEnd { gather(top) }
                let length = Int(entry.position.length)
                if wantsRecord {
                    let start = sources[top].textPosition
                    sources[top].text.withByteView { text in
                        record.append(text.rebased(start..<(start + length)))
                    }
                }
                sources[top].textPosition += length
            }
            sources[top].position += 1
            if sources[top].position == sources[top].end && sources[top].fileRemaining > 0 {
                refill(top)
                if let failure { throw failure }
            }
            if sources[top].position < sources[top].end {
                heap[0].key = headKey(top)
                siftDown(0)
            } else {
                let last = heap.removeLast()
                if !heap.isEmpty {
                    heap[0] = last
                    siftDown(0)
                }
            }
            return entry
        }

        private func head(_ source: Int) -> RankedEntry { sources[source].entries[sources[source].position] }

        /// Whether the head of one source ranks before another's: by their keys when they
        /// differ (the keys never contradict the order), else by the order.
        private func precedes(_ first: Head, _ second: Head) -> Bool {
            if first.key != second.key { return first.key < second.key }
            return ranksBefore(head(first.source), head(second.source))
        }

        /// The key of a source's head (0 for all without keys, so that the order decides).
        private func headKey(_ source: Int) -> UInt64 {
            guard let keys else { return 0 }
            return keys.key(head(source))
        }

        private func push(_ source: Int) {
            heap.append(Head(key: headKey(source), source: source))
            BinaryHeap.siftUp(&heap, from: heap.count - 1, above: precedes)
        }

        private func siftDown(_ start: Int) {
            BinaryHeap.siftDown(&heap, from: start, above: precedes)
        }

        /// Copies the records of the last buffer's next ``RankedRuns/readBufferEntries``
        /// entries, in rank order, into its `text`: records read one by one in rank order
        /// from the buffer they were collected in are a cache and TLB miss each (9% of a
        /// whole ranking of 1e6 rows in a profile), which ``RankedRuns/gather(_:_:from:into:)``
        /// overlaps.
        private func gather(_ index: Int) {
            let start = sources[index].position
            let end = Swift.min(start + owner.readBufferEntries, sources[index].end)
            var text = sources[index].text
            sources[index].text = []
            text.removeAll(keepingCapacity: true)
            owner.touched |= RankedRuns.gather(sources[index].entries, start..<end, from: sources[index].scattered, into: &text)
            sources[index].text = text
            sources[index].textPosition = 0
            sources[index].gatheredEnd = end
        }

        /// Reads the next entries of a spilled run (and their records) into its buffers.
        private func refill(_ index: Int) {
            guard let file = owner.file else { preconditionFailure("A spilled run has a file") }
            let count = Swift.min(sources[index].fileRemaining, owner.readBufferEntries)
            do {
                let entries: [RankedEntry] = try file.read(count: count, at: sources[index].fileNext)
                var textLength = 0
                if owner.carriesRecords {
                    for entry in entries { textLength += Int(entry.position.length) }
                    sources[index].text = try file.read(count: textLength, at: sources[index].textNext)
                    sources[index].textPosition = 0
                }
                sources[index].entries = entries
                sources[index].position = 0
                sources[index].end = entries.count
                let entriesRead = sources[index].fileNext..<(sources[index].fileNext + count * MemoryLayout<RankedEntry>.stride)
                let textRead = sources[index].textNext..<(sources[index].textNext + textLength)
                // Each run is read once, in order: its pages read so far are not needed again.
                file.release(entriesRead, of: sources[index].entryStart..<sources[index].textStart)
                file.release(textRead, of: sources[index].textStart..<textRead.upperBound)
                sources[index].fileNext = entriesRead.upperBound
                sources[index].textNext = textRead.upperBound
                sources[index].fileRemaining -= count
            } catch {
                failure = error
                sources[index].entries = []
                sources[index].position = 0
                sources[index].end = 0
                sources[index].fileRemaining = 0
            }
        }
    }

    static let contents = "the ranking's temporary runs"
    static let advice = "free some space, set TMPDIR to another folder, or give a larger --memory"
}

/// The 64-bit key a ranking compares its entries by first: the grade's order (when grades
/// come first) in the top three bits, then the ranking key, highest first. Its unsigned order
/// never contradicts the ranking's (``StreamMerger/ranksBefore(_:_:order:registry:)``): the
/// key's three lowest bits are dropped to make room for the grade, so nearly equal keys
/// compare equal here, and the ranking's own comparison (keys, then ids) decides between
/// them.
struct RankKeys {
    /// Whether all entries of a better grade rank first.
    let gradeFirst: Bool

    /// The key of `entry` (whose ranking key is not NaN).
    @inline(__always)
    func key(_ entry: RankedEntry) -> UInt64 {
        let descending = ~RadixSort.orderedKey(entry.key)
        return gradeFirst ? UInt64(entry.grade) << 61 | descending >> 3 : descending
    }
}
