#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every accepted account of a stream, to be read back in rank order, in bounded memory: an
/// external merge sort.
///
/// Entries are collected in memory up to `capacity`; when the buffer is full it is sorted
/// and written to a temporary file as one sorted run, and the buffer starts again. At the
/// end the runs (and the last buffer, sorted in memory) are merged k ways with a binary
/// heap of their heads. Without a spill this is one in-memory sort.
///
/// ## Contract
///
/// `ranksBefore` must be a strict total order (the ranking order breaks every tie by the
/// account id, and ids are unique), so the merged sequence is the one sorted sequence: the
/// same entries in the same order as sorting all of them in memory, whatever the capacity.
///
/// Memory: `capacity` entries (40 bytes each; the standard library's sort borrows up to
/// half as much again while a run is sorted), plus a read buffer of
/// ``readBufferEntries`` entries per run while merging. The temporary file is unlinked as
/// soon as it is created, so it disappears when the process ends, however it ends.
final class RankedRuns {
    /// The most entries kept in memory before a run is written.
    let capacity: Int
    /// Entries read from a run file at a time while merging.
    let readBufferEntries: Int

    private var buffer: [RankedEntry] = []
    /// The runs written: their first entry and entry count in the temporary file.
    private var runs: [(start: Int, count: Int)] = []
    fileprivate var descriptor: Int32 = -1
    private var written = 0
    /// Entries collected.
    private(set) var count = 0
    /// Why a run could not be written, if one could not (the collection is then void).
    private(set) var failure: DatasetError?

    /// - Parameters:
    ///   - capacity: The most entries kept in memory (at least 1).
    ///   - readBufferEntries: Entries read back from each run at a time while merging.
    init(capacity: Int, readBufferEntries: Int = 4096) {
        precondition(capacity >= 1 && readBufferEntries >= 1, "A run and a read hold at least one entry")
        self.capacity = capacity
        self.readBufferEntries = readBufferEntries
        buffer.reserveCapacity(Swift.min(capacity, 1 << 16))
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// How many runs were written to disk so far.
    var spilledRuns: Int { runs.count }

    /// Adds an entry, writing a sorted run first when the buffer is full. If a run cannot be
    /// written (a full disk, say), records ``failure`` and drops the entries.
    func append(_ entry: RankedEntry, ranksBefore: (RankedEntry, RankedEntry) -> Bool) {
        if buffer.count >= capacity {
            guard failure == nil else { return }
            do {
                try spill(ranksBefore: ranksBefore)
            } catch {
                failure = error
                buffer = []
                return
            }
        }
        if buffer.count == buffer.capacity && buffer.capacity < capacity {
            // Grow by doubling, but never past the capacity (plain appends could overshoot it
            // by up to half again).
            buffer.reserveCapacity(Swift.min(capacity, Swift.max(2 * buffer.capacity, 16)))
        }
        buffer.append(entry)
        count += 1
    }

    private func spill(ranksBefore: (RankedEntry, RankedEntry) -> Bool) throws(DatasetError) {
        buffer.sort(by: ranksBefore)
        if descriptor < 0 { descriptor = try Self.temporaryFile() }
        let stride = MemoryLayout<RankedEntry>.stride
        var failure: Int32 = 0
        buffer.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var done = 0
            while done < bytes.count {
                let result = pwrite(descriptor, base + done, bytes.count - done, off_t(written * stride + done))
                if result > 0 {
                    done += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    failure = result < 0 ? errno : ENOSPC
                    return
                }
            }
        }
        if failure != 0 { throw Self.error(failure, writing: true) }
        runs.append((written, buffer.count))
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Reads the entries back in rank order; the collection is spent afterwards.
    ///
    /// - Throws: ``failure``, if a run could not be written.
    func sorted(ranksBefore: @escaping (RankedEntry, RankedEntry) -> Bool) throws(DatasetError) -> Merge {
        if let failure { throw failure }
        buffer.sort(by: ranksBefore)
        let last = buffer
        buffer = []
        return Merge(owner: self, runs: runs, memory: last, ranksBefore: ranksBefore)
    }

    /// The entries of every run in rank order, one at a time.
    final class Merge {
        private struct Source {
            var entries: [RankedEntry]
            var position = 0
            /// Where the next unread entries are in the file, and how many remain there.
            var fileNext: Int
            var fileRemaining: Int
        }
        private var sources: [Source]
        /// Indices of sources that are not spent, as a binary min-heap by their head.
        private var heap: [Int] = []
        /// The collection, which owns the temporary file (kept open while merging).
        private let owner: RankedRuns
        private var descriptor: Int32 { owner.descriptor }
        private let ranksBefore: (RankedEntry, RankedEntry) -> Bool
        /// Set when a run could not be read back.
        private(set) var failure: DatasetError?

        fileprivate init(
            owner: RankedRuns, runs: [(start: Int, count: Int)], memory: [RankedEntry],
            ranksBefore: @escaping (RankedEntry, RankedEntry) -> Bool
        ) {
            self.owner = owner
            self.ranksBefore = ranksBefore
            sources = runs.map { Source(entries: [], fileNext: $0.start, fileRemaining: $0.count) }
            sources.append(Source(entries: memory, fileNext: 0, fileRemaining: 0))
            for index in sources.indices {
                if sources[index].fileRemaining > 0 { refill(index) }
                if sources[index].position < sources[index].entries.count { push(index) }
            }
        }

        /// The next entry in rank order, or `nil` when every run is spent.
        ///
        /// - Throws: `DatasetError.unreadable` if a run cannot be read back.
        func next() throws(DatasetError) -> RankedEntry? {
            if let failure { throw failure }
            guard let top = heap.first else { return nil }
            let entry = sources[top].entries[sources[top].position]
            sources[top].position += 1
            if sources[top].position == sources[top].entries.count && sources[top].fileRemaining > 0 {
                refill(top)
                if let failure { throw failure }
            }
            if sources[top].position < sources[top].entries.count {
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

        private func precedes(_ first: Int, _ second: Int) -> Bool { ranksBefore(head(first), head(second)) }

        private func push(_ source: Int) {
            heap.append(source)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard precedes(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }

        private func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { return }
                var best = left
                if left + 1 < heap.count && precedes(heap[left + 1], heap[left]) { best = left + 1 }
                guard precedes(heap[best], heap[parent]) else { return }
                heap.swapAt(best, parent)
                parent = best
            }
        }

        /// Reads the next entries of a spilled run into its buffer.
        private func refill(_ index: Int) {
            let stride = MemoryLayout<RankedEntry>.stride
            let count = Swift.min(sources[index].fileRemaining, owner.readBufferEntries)
            let offset = sources[index].fileNext * stride
            var failed: Int32 = 0
            let entries = [RankedEntry](unsafeUninitializedCapacity: count) { entries, initialized in
                initialized = 0
                guard let base = UnsafeMutableRawPointer(entries.baseAddress) else { return }
                let total = count * stride
                var done = 0
                while done < total {
                    let result = pread(descriptor, base + done, total - done, off_t(offset + done))
                    if result > 0 {
                        done += result
                    } else if result < 0 && errno == EINTR {
                        continue
                    } else {
                        failed = result < 0 ? errno : EIO
                        return
                    }
                }
                initialized = count
            }
            if failed != 0 {
                failure = RankedRuns.error(failed, writing: false)
                sources[index].entries = []
                sources[index].position = 0
                sources[index].fileRemaining = 0
                return
            }
            sources[index].entries = entries
            sources[index].position = 0
            sources[index].fileNext += count
            sources[index].fileRemaining -= count
        }
    }

    // MARK: Temporary file

    /// The folder for runs: `$TMPDIR`, or `/tmp`.
    static var temporaryFolder: String {
        if let folder = getenv("TMPDIR"), folder.pointee != 0 { return String(cString: folder) }
        return "/tmp"
    }

    /// Creates and unlinks a temporary file; returns its descriptor.
    private static func temporaryFile() throws(DatasetError) -> Int32 {
        var template = Array((temporaryFolder + "/kam-rank-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { name in
            guard let base = name.baseAddress else { return Int32(-1) }
            let descriptor = mkstemp(base)
            if descriptor >= 0 { unlink(base) }
            return descriptor
        }
        guard descriptor >= 0 else { throw error(errno, writing: true) }
        return descriptor
    }

    fileprivate static func error(_ code: Int32, writing: Bool) -> DatasetError {
        .unreadable(
            file: temporaryFolder,
            reason: "cannot \(writing ? "write" : "read back") the ranking's temporary runs there "
                + "(\(String(cString: strerror(code)))); free some space, set TMPDIR to another folder, "
                + "or give a larger --memory")
    }
}
