/// Deterministic, locale-free number text for the wording of performance results.
enum PerformanceNumberFormat {
    /// `value` rounded to `digits` decimals, trailing zeros dropped: 25 → "25",
    /// 24.5 → "24.5", 1/3 → "0.33"; -0 prints as "0".
    static func compact(_ value: Double, digits: Int = 2) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
        var power = 1.0
        for _ in 0..<digits { power *= 10 }
        let scaled = (abs(value) * power).rounded()
        guard scaled < 9e15 else { return String(value) }
        let units = Int64(scaled)
        let whole = units / Int64(power)
        var fraction = String(units % Int64(power))
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = value < 0 && units != 0 ? "-" : ""
        return sign + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// A signed amount: "+8", "-3.5", "0".
    static func signed(_ value: Double, digits: Int = 2) -> String {
        let text = compact(value, digits: digits)
        return value > 0 && text != "0" ? "+" + text : text
    }
}
