// The home of ScoringEngine's pointer code (see docs/architecture.md, "Where unsafe code
// lives"). Other files of the module reach array storage only through these views, the way
// swift-collections reaches a deque's buffer only through its `_UnsafeHandle`.

/// A read-only view of an array's elements without bounds checks in release builds, valid
/// only inside the closure that made it (`Array.withUncheckedView(_:)`).
///
/// Debug builds still check every index (`UnsafeBufferPointer`'s subscript does); release
/// builds trust the caller, which is why hot loops use it and why it must never escape.
struct UncheckedView<Element> {
    fileprivate let buffer: UnsafeBufferPointer<Element>

    var count: Int { buffer.count }

    @inline(__always)
    subscript(index: Int) -> Element { buffer[index] }

    /// The elements in `range` (indices from 0), valid as long as this view.
    @inline(__always)
    func slice(_ range: Range<Int>) -> UncheckedView<Element> { UncheckedView(buffer: UnsafeBufferPointer(rebasing: buffer[range])) }
}

/// A writable view of an array's elements without bounds checks in release builds, valid
/// only inside the closure that made it (`Array.withUncheckedMutableView(_:)`).
struct UncheckedMutableView<Element> {
    fileprivate let buffer: UnsafeMutableBufferPointer<Element>

    var count: Int { buffer.count }

    @inline(__always)
    subscript(index: Int) -> Element {
        get { buffer[index] }
        nonmutating set { buffer[index] = newValue }
    }

    /// The same elements, read-only (valid as long as this view).
    var readOnly: UncheckedView<Element> { UncheckedView(buffer: UnsafeBufferPointer(buffer)) }
}

extension UncheckedView where Element == Double {
    /// Elements `index ..< index + 4` as one vector (any alignment); in bounds is the caller's
    /// promise, as for the subscript.
    @inline(__always)
    func vector4(at index: Int) -> SIMD4<Double> {
        UnsafeRawPointer(buffer.baseAddress.unsafelyUnwrapped + index).loadUnaligned(as: SIMD4<Double>.self)
    }
}

extension UncheckedMutableView where Element == Double {
    /// Writes `vector` to elements `index ..< index + 4` (any alignment).
    @inline(__always)
    func store(_ vector: SIMD4<Double>, at index: Int) {
        UnsafeMutableRawPointer(buffer.baseAddress.unsafelyUnwrapped + index).storeBytes(of: vector, as: SIMD4<Double>.self)
    }
}

extension Array {
    /// Calls `body` with a bounds-unchecked read-only view of the elements.
    @inline(__always)
    func withUncheckedView<Result>(_ body: (UncheckedView<Element>) throws -> Result) rethrows -> Result {
        try withUnsafeBufferPointer { try body(UncheckedView(buffer: $0)) }
    }

    /// Calls `body` with a bounds-unchecked writable view of the elements.
    @inline(__always)
    mutating func withUncheckedMutableView<Result>(_ body: (UncheckedMutableView<Element>) throws -> Result) rethrows -> Result {
        try withUnsafeMutableBufferPointer { try body(UncheckedMutableView(buffer: $0)) }
    }
}

/// A fixed-size buffer of plain values (integers, floating point) that several threads may
/// write at the same time, each at its own indices: SMAA's block buffers, which the workers
/// fill panel by panel and read draw by draw. (An array stored in a class cannot be shared so:
/// every mutable access checks uniqueness and exclusivity on the array's reference.)
///
/// Views made by ``withUncheckedView(_:)`` and ``withUncheckedMutableView(_:)`` are valid
/// only inside the closure; the caller guarantees that no two threads write the same index
/// and that no thread reads an index while another writes it (the workers of one step touch
/// disjoint ranges; steps are separated by `concurrentPerform` returning).
final class SharedScratch<Element: BitwiseCopyable>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<Element>

    init(repeating value: Element, count: Int) {
        buffer = .allocate(capacity: Swift.max(count, 0))
        buffer.initialize(repeating: value)
    }

    deinit { buffer.deallocate() }

    var count: Int { buffer.count }

    /// A read-only view of `range`, indexed from 0.
    @inline(__always)
    func withUncheckedView<Result>(_ range: Range<Int>, _ body: (UncheckedView<Element>) throws -> Result) rethrows -> Result {
        precondition(range.lowerBound >= 0 && range.upperBound <= buffer.count, "SharedScratch range out of bounds")
        return try body(UncheckedView(buffer: UnsafeBufferPointer(rebasing: buffer[range])))
    }

    /// A writable view of `range`, indexed from 0.
    @inline(__always)
    func withUncheckedMutableView<Result>(
        _ range: Range<Int>, _ body: (UncheckedMutableView<Element>) throws -> Result
    ) rethrows -> Result {
        precondition(range.lowerBound >= 0 && range.upperBound <= buffer.count, "SharedScratch range out of bounds")
        return try body(UncheckedMutableView(buffer: UnsafeMutableBufferPointer(rebasing: buffer[range])))
    }
}
