// The home of ScoringEngine's pointer code (see docs/architecture.md, "Where unsafe code
// lives"). Other files of the module reach array storage only through these views, the way
// swift-collections reaches a deque's buffer only through its `_UnsafeHandle`.

/// A read-only view of an array's elements without bounds checks in release builds, valid
/// only inside the closure that made it (`Array.withUncheckedView(_:)`).
///
/// Debug builds still check every index (`UnsafeBufferPointer`'s subscript does); release
/// builds trust the caller, which is why hot loops use it and why it must never escape.
struct UncheckedView<Element> {
    private let buffer: UnsafeBufferPointer<Element>

    fileprivate init(_ buffer: UnsafeBufferPointer<Element>) {
        self.buffer = buffer
    }

    var count: Int { buffer.count }

    @inline(__always)
    subscript(index: Int) -> Element { buffer[index] }
}

/// A writable view of an array's elements without bounds checks in release builds, valid
/// only inside the closure that made it (`Array.withUncheckedMutableView(_:)`).
struct UncheckedMutableView<Element> {
    private let buffer: UnsafeMutableBufferPointer<Element>

    fileprivate init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        self.buffer = buffer
    }

    var count: Int { buffer.count }

    @inline(__always)
    subscript(index: Int) -> Element {
        get { buffer[index] }
        nonmutating set { buffer[index] = newValue }
    }
}

extension Array {
    /// Calls `body` with a bounds-unchecked read-only view of the elements.
    @inline(__always)
    func withUncheckedView<Result>(_ body: (UncheckedView<Element>) throws -> Result) rethrows -> Result {
        try withUnsafeBufferPointer { try body(UncheckedView($0)) }
    }

    /// Calls `body` with a bounds-unchecked writable view of the elements.
    @inline(__always)
    mutating func withUncheckedMutableView<Result>(_ body: (UncheckedMutableView<Element>) throws -> Result) rethrows -> Result {
        try withUnsafeMutableBufferPointer { try body(UncheckedMutableView($0)) }
    }
}
