extension Dictionary where Value == Int32 {
    /// The code of `key` in a dictionary that numbers its keys 0, 1, 2, … in the order they
    /// were first seen: its code, or for a new key the next one, `count`, which is added.
    ///
    /// - Returns: The code, and whether the key is new (so that the caller records it too).
    @inline(__always)
    mutating func code(for key: Key) -> (code: Int32, isNew: Bool) {
        if let code = self[key] { return (code, false) }
        let code = Int32(count)
        self[key] = code
        return (code, true)
    }
}
