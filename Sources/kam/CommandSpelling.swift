import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks and mends the spelling of a command line before ArgumentParser reads it.
///
/// ArgumentParser reads `kam rnak x` as two unexpected arguments of the top-level command and
/// `--strength -1` as a missing value followed by an unknown option. People type both; this
/// says what they meant: an unknown subcommand gets "did you mean …?" (exit 64), and a
/// negative number after a long option is joined to it (`--strength=-1`), so the option's own
/// validation gives its usual message.
enum CommandSpelling {
    /// The message for the first word that names no subcommand where one is expected, or `nil`.
    ///
    /// Walks `arguments` down the subcommand tree from `root` while each word names a
    /// subcommand; stops at the first option or at a command with a default subcommand or no
    /// subcommands. `help WORD…` is checked the same way.
    static func unknownCommand(in arguments: [String], root: ParsableCommand.Type) -> String? {
        var words = arguments[...]
        if words.first == "help" { words = words.dropFirst() }
        var command = root
        var path = [root._commandName]
        while let word = words.first, !word.hasPrefix("-") {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, command.configuration.defaultSubcommand == nil else { return nil }
            let names = subcommands.map { ($0, [$0._commandName] + $0.configuration.aliases) }
            guard let next = names.first(where: { $0.1.contains(word) })?.0 else {
                let known = names.map { $0.1[0] }
                let shown = String(escaping: word)
                var message = "\(path.joined(separator: " ")): unknown command '\(shown)'"
                if let guess = closest(to: word, among: known) { message += "; did you mean '\(guess)'?" }
                message += "\nCommands: \(known.joined(separator: ", ")). See '\(path.joined(separator: " ")) --help'."
                return message
            }
            command = next
            path.append(next._commandName)
            words = words.dropFirst()
        }
        return nil
    }

    /// `arguments` with every negative number that follows a long option joined to it
    /// (`--strength -1` → `--strength=-1`).
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var joined: [String] = []
        joined.reserveCapacity(arguments.count)
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let word = arguments[index]
            let nextIndex = arguments.index(after: index)
            if word.hasPrefix("--"), word.count > 2, !word.contains("="), nextIndex < arguments.endIndex,
                isNegativeNumber(arguments[nextIndex])
            {
                joined.append(word + "=" + arguments[nextIndex])
                index = arguments.index(after: nextIndex)
            } else {
                joined.append(word)
                index = nextIndex
            }
        }
        return joined
    }

    /// Whether `word` reads as a negative decimal number (`-1`, `-0.5`, `-2e3`, `-.5`).
    static func isNegativeNumber(_ word: String) -> Bool {
        guard word.hasPrefix("-"), word.count > 1 else { return false }
        let body = word.dropFirst()
        guard let first = body.first, first.isNumber || first == "." else { return false }
        return Double(body) != nil
    }

    /// The known name nearest `word` (edit distance at most 2, or a prefix either way), if any.
    static func closest(to word: String, among names: [String]) -> String? {
        let lowered = word.lowercased()
        let scored = names.map { ($0, editDistance(lowered, $0)) }
        if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 { return best.0 }
        return names.first { $0.hasPrefix(lowered) || (lowered.count >= 3 && lowered.hasPrefix($0)) }
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { table[i][0] = i }
        for j in 0...y.count { table[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[x.count][y.count]
    }
}

extension String {
    /// `text` cut to 60 characters, with control characters written as escapes.
    init(escaping text: String) {
        var result = ""
        for scalar in text.unicodeScalars.prefix(60) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        if text.unicodeScalars.count > 60 { result += "…" }
        self = result
    }
}
