/// Keeps the first `capacity` elements of a stream under a strict ranking order, in
/// O(capacity) memory: the bounded top-K of a ranking that never sorts the whole list.
///
/// The elements kept are those a full sort by `ranksBefore` would put first, whatever the
/// order in which they arrive, provided `ranksBefore` is a strict total order (irreflexive,
/// transitive, and any two distinct elements comparable, as ranking by grade, key and a
/// unique account id is) and the same order is passed to every call.
///
/// Internally a binary heap whose root is the worst element kept, so an element that
/// cannot enter costs one comparison. The order is passed to each call rather than stored,
/// so that it may read state that changes between calls (such as a growing table of ids).
///
/// - Complexity: `offer` is O(log capacity); `sorted(by:)` is O(capacity log capacity).
public struct TopSelection<Element> {
    /// The most elements kept.
    public private(set) var capacity: Int
    /// A heap in which every parent ranks after (is worse than) its children.
    private var heap: [Element] = []

    /// Creates an empty selection.
    ///
    /// - Parameter capacity: How many elements to keep; at least 0.
    public init(capacity: Int) {
        precondition(capacity >= 0, "A selection keeps at least 0 elements")
        self.capacity = capacity
        heap.reserveCapacity(Swift.min(capacity, 1 << 16))
    }

    /// How many elements are kept now.
    public var count: Int { heap.count }

    /// The worst element kept, when the selection is full (an element must rank before it
    /// to enter).
    public var threshold: Element? {
        heap.count == capacity && capacity > 0 ? heap[0] : nil
    }

    /// Offers an element; it is kept if it ranks among the first `capacity` offered so far.
    ///
    /// - Parameters:
    ///   - element: The element.
    ///   - ranksBefore: Whether the first element ranks before (is better than) the second.
    /// - Returns: Whether the element was kept.
    @discardableResult
    public mutating func offer(_ element: Element, by ranksBefore: (Element, Element) -> Bool) -> Bool {
        // The worse element belongs above: the root is the worst kept.
        let above = { (first: Element, second: Element) in ranksBefore(second, first) }
        if heap.count < capacity {
            heap.append(element)
            BinaryHeap.siftUp(&heap, from: heap.count - 1, above: above)
            return true
        }
        guard capacity > 0, ranksBefore(element, heap[0]) else { return false }
        heap[0] = element
        BinaryHeap.siftDown(&heap, from: 0, above: above)
        return true
    }

    /// Keeps only the first `newCapacity` of the elements kept, and at most that many from
    /// now on (a selection that was kept large for a while, then turned out to need less).
    ///
    /// - Parameters:
    ///   - newCapacity: At most the current ``capacity``.
    ///   - ranksBefore: The order of ``offer(_:by:)``.
    public mutating func shrink(to newCapacity: Int, by ranksBefore: (Element, Element) -> Bool) {
        precondition((0...capacity).contains(newCapacity), "A selection shrinks to at most its capacity")
        capacity = newCapacity
        guard heap.count > newCapacity else { return }
        // Worst first is a heap: every parent comes before its children in the array.
        heap = Array(heap.sorted(by: ranksBefore).prefix(newCapacity).reversed())
    }

    /// The elements kept, best first.
    public func sorted(by ranksBefore: (Element, Element) -> Bool) -> [Element] {
        heap.sorted(by: ranksBefore)
    }
}
