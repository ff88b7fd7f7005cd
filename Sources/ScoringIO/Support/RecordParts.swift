import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Contiguous parts of a table's records for loaders that read them on several threads.
///
/// A loader reads each part on its own (its ids checked for duplicates within the part), then
/// joins the parts in order. A duplicate id across two parts would have been rejected against
/// a row of an earlier part, which a part cannot see: the loader then reads the whole table
/// again on one thread, so its result is always the one-thread result (rare: only files with
/// repeated ids pay for it).
struct RecordParts: Sendable {
    /// The most threads to use.
    var maximumWorkers: Int
    /// The fewest records a part may have; smaller tables are read on one thread.
    var minimumPartSize: Int

    /// One thread per online processor, up to 8, for parts of at least 32,768 records.
    static let automatic = RecordParts(
        maximumWorkers: min(max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1), 8), minimumPartSize: 32_768)

    /// One thread (the loaders' reference result).
    static let single = RecordParts(maximumWorkers: 1, minimumPartSize: .max)

    /// `0..<count` cut into equal contiguous ranges, in order; one range when `count` is small.
    func ranges(count: Int) -> [Range<Int>] {
        let parts = max(1, min(maximumWorkers, count / max(minimumPartSize, 1)))
        return (0..<parts).map { part in (count * part / parts)..<(count * (part + 1) / parts) }
    }

    /// Runs `body` on every range of `ranges(count:)`, the first on the calling thread (so it
    /// may report progress) and the others on their own threads; the results in order.
    func map<T: Sendable>(
        count: Int, first: (Range<Int>) -> T, others: @escaping @Sendable (Range<Int>) -> T
    ) -> [T] {
        let ranges = ranges(count: count)
        let results = PartResults<T>(ranges.count)
        let group = DispatchGroup()
        let queue = DispatchQueue.global(qos: .userInitiated)
        for part in ranges.indices.dropFirst() {
            let range = ranges[part]
            queue.async(group: group) { results.set(part, others(range)) }
        }
        results.set(0, first(ranges[0]))
        group.wait()
        return results.all()
    }

    /// Whether an id of a later part also appears in an earlier one.
    static func idsRepeatAcrossParts(_ ids: [some Collection<String>], firstLines: [[String: Int]]) -> Bool {
        for part in ids.indices.dropFirst() {
            for id in ids[part] where firstLines[..<part].contains(where: { $0[id] != nil }) { return true }
        }
        return false
    }
}

/// The parts' results, written under a lock.
private final class PartResults<T: Sendable>: @unchecked Sendable {
    private var items: [T?]
    private let lock = NSLock()

    init(_ count: Int) { items = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ item: T) {
        lock.withLock { items[index] = item }
    }

    func all() -> [T] {
        lock.withLock {
            items.map { item in
                guard let item else { preconditionFailure("A part of the records was not read") }
                return item
            }
        }
    }
}
