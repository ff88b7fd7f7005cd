/// The two moves of a binary heap held in an array (element `i`'s children at `2i + 1` and
/// `2i + 2`), in which every parent belongs above its children by `above(parent, child)`.
///
/// ``TopSelection`` keeps its worst element at the root, and the k-way merge of
/// `ScoringIO.RankedRuns` the run with the best head: both restore their heap with these.
public enum BinaryHeap {
    /// Moves the element at `index` up while it belongs above its parent.
    @inlinable
    public static func siftUp<Element>(_ heap: inout [Element], from index: Int, above: (Element, Element) -> Bool) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard above(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Moves the element at `index` down while a child belongs above it, swapping it with
    /// the child that belongs higher (the left one unless the right one belongs above it).
    @inlinable
    public static func siftDown<Element>(_ heap: inout [Element], from index: Int, above: (Element, Element) -> Bool) {
        var parent = index
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var higher = left
            if left + 1 < count && above(heap[left + 1], heap[left]) { higher = left + 1 }
            guard above(heap[higher], heap[parent]) else { return }
            heap.swapAt(higher, parent)
            parent = higher
        }
    }
}
