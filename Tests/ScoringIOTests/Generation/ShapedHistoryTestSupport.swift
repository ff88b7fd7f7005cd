import ScoringIO

/// A generated shaped history read back from its bytes, for tests: per row the truth's
/// log-odds recomputed from the row's text with `ShapedHistoryTruth.logOdds(ofRow:)`, the
/// outcome, the leak and a few raw cells.
///
/// The split is byte-level and independent of ScoringIO's reader (fast enough for 200,000
/// rows in a debug build): lines end at `\n` (a `\r` before it is dropped), fields at
/// commas outside double quotes, quotes are removed. Only the columns the truth uses, and
/// those asked for in `keeping`, are turned into strings.
struct ShapedHistoryRows {
    let header: [String]
    /// η of each row, from its text.
    var logOdds: [Double] = []
    /// Whether each row is `won`.
    var won: [Bool] = []
    /// Whether each row's `followup_status` says `contract_signed`.
    var leakWon: [Bool] = []
    /// The cells of the columns in `keeping`, by column name, row by row.
    var kept: [String: [String]] = [:]

    init(_ bytes: [UInt8], keeping: [String] = []) {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        let headerLine = lines.first ?? []
        header = Self.fieldRanges(headerLine).map {
            String(decoding: headerLine[$0], as: UTF8.self)
        }
        let truthColumns = Array(ShapedHistoryTruth.effects.keys)
        let wanted = Set(truthColumns + keeping + ["outcome", "followup_status"])
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() where wanted.contains(name) {
            index[name] = position
        }
        for name in keeping { kept[name] = [] }
        for line in lines.dropFirst() {
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            let ranges = Self.fieldRanges(trimmed)
            func cell(_ name: String) -> String {
                guard let position = index[name], position < ranges.count else { return "" }
                return String(decoding: trimmed[ranges[position]].filter { $0 != 0x22 }, as: UTF8.self)
            }
            var cells: [String: String] = [:]
            for name in truthColumns { cells[name] = cell(name) }
            logOdds.append(ShapedHistoryTruth.logOdds(ofRow: cells))
            won.append(cell("outcome") == "won")
            leakWon.append(cell("followup_status") == ShapedHistoryTruth.leakLabels.won)
            for name in keeping { kept[name, default: []].append(cell(name)) }
        }
    }

    /// The byte ranges of a line's fields (quotes included), split at commas outside quotes.
    static func fieldRanges(_ line: ArraySlice<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = line.startIndex
        var quoted = false
        for position in line.indices {
            let byte = line[position]
            if byte == 0x22 {
                quoted.toggle()
            } else if byte == 0x2C && !quoted {
                ranges.append(start..<position)
                start = position + 1
            }
        }
        ranges.append(start..<line.endIndex)
        return ranges
    }
}
