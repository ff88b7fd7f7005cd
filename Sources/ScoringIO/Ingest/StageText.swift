/// Reads a stage field as `Int(_: String)` does: an optional `+` or `-`, then one or more
/// ASCII digits and nothing else, within `Int`'s range.
enum StageText {
    /// The integer written in `text[start..<end]`, or `nil`.
    static func integer(_ text: ByteView, from start: Int, to end: Int) -> Int? {
        var index = start
        var negative = false
        if index < end && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < end else { return nil }
        var value = 0
        while index < end {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            let (sum, overflow2) =
                negative ? times.subtractingReportingOverflow(Int(digit)) : times.addingReportingOverflow(Int(digit))
            guard !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return value
    }
}
