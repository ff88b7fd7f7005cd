extension Dictionary where Value == Int32 {
    /// The code of `key` in a dictionary that numbers its keys 0, 1, 2, … in the order they
    /// were first seen: its code, or for a new key the next one, `count`, which is added.
    ///
    /// - Returns: The code, and whether the key is new (so that the caller records it too).
    @inline(__always)
    mutating func code(for key: Key) -> (code: Int32, isNew: Bool) {
        // One hash of the key: the defaulted subscript, accessed in place, finds the key or
        // inserts it with the next code (a lookup and then an insert hashed new keys twice).
        let next = Int32(count)
        var code = next
        Self.read(&self[key, default: next], into: &code)
        return (code, code == next)
    }

    @inline(__always)
    private static func read(_ value: inout Int32, into code: inout Int32) { code = value }
}
