// The home of ScoringIO's pointer code for bytes and panels (see docs/architecture.md,
// "Where unsafe code lives"). The parse helpers, the field scanner and the chunk mapper reach
// a chunk's bytes and a panel's values only through these views, the way swift-collections
// reaches a deque's buffer only through its `_UnsafeHandle`.

import Dispatch

/// Read-only bytes of an array, without bounds checks in release builds, valid only inside
/// the closure that made it (`[UInt8].withByteView(_:)`, ``ByteView/withBytes(of:_:)``).
///
/// Debug builds still check every index (`UnsafeBufferPointer`'s subscript does); release
/// builds trust the caller, which is why the hot paths use it and why it must never escape.
struct ByteView: RandomAccessCollection {
    fileprivate let buffer: UnsafeBufferPointer<UInt8>

    fileprivate init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    typealias Indices = Range<Int>
    typealias Iterator = UnsafeBufferPointer<UInt8>.Iterator

    var startIndex: Int { 0 }
    var endIndex: Int { buffer.count }
    var indices: Range<Int> { 0..<buffer.count }
    var count: Int { buffer.count }
    var isEmpty: Bool { buffer.isEmpty }

    @inline(__always)
    subscript(index: Int) -> UInt8 { buffer[index] }

    @inline(__always)
    func index(after index: Int) -> Int { index &+ 1 }

    @inline(__always)
    func index(before index: Int) -> Int { index &- 1 }

    @inline(__always)
    func makeIterator() -> Iterator { buffer.makeIterator() }

    /// The bytes in one piece, for the standard library's fast paths (copying into an array,
    /// decoding text).
    @inline(__always)
    func withContiguousStorageIfAvailable<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result? {
        try body(buffer)
    }

    /// Copies the bytes into `target` in one move: what `Array.append(contentsOf:)` and
    /// `Array(_:)` call (the default implementation copies byte by byte through the iterator).
    func _copyContents(initializing target: UnsafeMutableBufferPointer<UInt8>) -> (Iterator, Int) {
        buffer._copyContents(initializing: target)
    }

    /// The bytes of `range` as a view of their own, indexed from 0 (a `Slice` of this view,
    /// `view[range]`, keeps this view's indices).
    @inline(__always)
    func rebased(_ range: Range<Int>) -> ByteView { ByteView(UnsafeBufferPointer(rebasing: buffer[range])) }

    /// The eight bytes from `offset` as a little-endian integer (`offset + 8 ≤ count`; any
    /// alignment).
    @inline(__always)
    func word(at offset: Int) -> UInt64 {
        assert(offset >= 0 && offset + 8 <= buffer.count, "ByteView word out of bounds")
        return UInt64(littleEndian: UnsafeRawPointer(buffer.baseAddress!).loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The bytes as UTF-8 text (invalid sequences repaired with U+FFFD).
    var string: String { String(decoding: buffer, as: UTF8.self) }

    /// Calls `body` with the UTF-8 bytes of `text` (made contiguous first if they are not).
    static func withBytes<Result>(of text: String, _ body: (ByteView) -> Result) -> Result {
        var text = text
        return text.withUTF8 { body(ByteView($0)) }
    }
}

extension Array where Element == UInt8 {
    /// Calls `body` with a bounds-unchecked read-only view of the bytes.
    @inline(__always)
    func withByteView<Result, Failure: Error>(_ body: (ByteView) throws(Failure) -> Result) throws(Failure) -> Result {
        try withUnsafeBufferPointer { (buffer) throws(Failure) in try body(ByteView(buffer)) }
    }

    /// Appends a view's bytes (one copy of the block).
    @inline(__always)
    mutating func append(_ bytes: ByteView) {
        append(contentsOf: bytes.buffer)
    }
}

/// A writable panel of values (doubles) borrowed from an array, without bounds checks in
/// release builds, valid only inside the closure that made it
/// (`[Double].withPanelView(_:)`): a ``PartView`` of doubles.
typealias PanelView = PartView<Double>

extension PartView where Element == Double {
    /// Copies `count` values of `source` from its index `from` to this panel's index `to`.
    @inline(__always)
    func copy(_ count: Int, from source: PanelView, at from: Int, to: Int) {
        precondition(from >= 0 && from + count <= source.count && to >= 0 && to + count <= buffer.count, "PanelView copy out of bounds")
        guard count > 0 else { return }
        (buffer.baseAddress! + to).update(from: source.buffer.baseAddress! + from, count: count)
    }

    /// Copies `count` values of `source` from its index `from` to this panel's index `to`.
    @inline(__always)
    func copy(_ count: Int, from source: [Double], at from: Int, to: Int) {
        precondition(from >= 0 && from + count <= source.count && to >= 0 && to + count <= buffer.count, "PanelView copy out of bounds")
        guard count > 0 else { return }
        source.withUnsafeBufferPointer { (buffer.baseAddress! + to).update(from: $0.baseAddress! + from, count: count) }
    }
}

extension Array where Element == Double {
    /// Calls `body` with a bounds-unchecked writable view of the values.
    @inline(__always)
    mutating func withPanelView<Result>(_ body: (PanelView) -> Result) -> Result {
        withUnsafeMutableBufferPointer { body(PanelView(buffer: $0)) }
    }

    /// Appends the values of `range` of a panel.
    @inline(__always)
    mutating func append(_ panel: PanelView, _ range: Range<Int>) {
        append(contentsOf: UnsafeMutableBufferPointer(rebasing: panel.buffer[range]))
    }
}

/// A writable part of an array's elements, without bounds checks in release builds, valid
/// only inside the closure that made it (`Array.forEachPart(_:_:)`, or
/// `[Double].withPanelView(_:)` for a ``PanelView``).
struct PartView<Element> {
    fileprivate let buffer: UnsafeMutableBufferPointer<Element>

    var count: Int { buffer.count }

    @inline(__always)
    subscript(index: Int) -> Element {
        get { buffer[index] }
        nonmutating set { buffer[index] = newValue }
    }

    /// Sorts the part in place.
    @inline(__always)
    func sort(by areInIncreasingOrder: (Element, Element) -> Bool) {
        var elements = buffer
        elements.sort(by: areInIncreasingOrder)
    }
}

extension Array {
    /// Calls `body` with each range of `parts` as a ``PartView``, the ranges side by side on
    /// threads of their own (one range on the calling thread). The ranges must not overlap:
    /// each thread writes only its own elements, through the array's one buffer, so nothing
    /// is copied.
    @inline(__always)
    mutating func forEachPart(_ parts: [Range<Int>], _ body: (PartView<Element>) -> Void) {
        for (index, part) in parts.enumerated() {
            precondition(part.lowerBound >= 0 && part.upperBound <= count, "forEachPart: a part out of bounds")
            precondition(
                parts[..<index].allSatisfy { $0.upperBound <= part.lowerBound || part.upperBound <= $0.lowerBound },
                "forEachPart: parts overlap")
        }
        withUnsafeMutableBufferPointer { buffer in
            guard parts.count > 1 else {
                for part in parts { body(PartView(buffer: UnsafeMutableBufferPointer(rebasing: buffer[part]))) }
                return
            }
            // The work on one part, made here (where `Element` is known, so it is
            // specialized), shared with the threads through a box of no generic type.
            let work = { (index: Int) in body(PartView(buffer: UnsafeMutableBufferPointer(rebasing: buffer[parts[index]]))) }
            withoutActuallyEscaping(work) { work in
                let job = PartWork(work: work)
                DispatchQueue.concurrentPerform(iterations: parts.count) { job.work($0) }
            }
        }
    }

    /// Sorts the elements of each range of `parts` in place, the ranges side by side
    /// (``forEachPart(_:_:)``); each sort borrows only what a sort of its range borrows.
    @inline(__always)
    mutating func sortInPlace(parts: [Range<Int>], by areInIncreasingOrder: (Element, Element) -> Bool) {
        forEachPart(parts) { $0.sort(by: areInIncreasingOrder) }
    }
}

/// The work of ``Swift/Array/forEachPart(_:_:)`` on each part, shared by its threads: the
/// buffer and the work outlive the threads (`concurrentPerform` returns first).
private final class PartWork: @unchecked Sendable {
    let work: (Int) -> Void

    init(work: @escaping (Int) -> Void) {
        self.work = work
    }
}

extension OutputSpan where Element == UInt8 {
    /// Appends the first `count` (1 to 8) bytes of `word`, its lowest byte first: with one
    /// 8-byte store when 8 bytes of room are left (the bytes past `count` are written but not
    /// counted, so the next append overwrites them), else byte by byte. A formatted number
    /// is one store instead of a bounds-checked append per digit.
    @inlinable
    mutating func appendBytes(of word: UInt64, count length: Int) {
        guard capacity - count >= 8 else {
            for index in 0..<length { append(UInt8(truncatingIfNeeded: word >> (8 &* UInt64(index)))) }
            return
        }
        withUnsafeMutableBufferPointer { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            UnsafeMutableRawPointer(base + initialized).storeBytes(of: word.littleEndian, as: UInt64.self)
            initialized += length
        }
    }
}
