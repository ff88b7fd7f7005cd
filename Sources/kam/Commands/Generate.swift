import ArgumentParser
import Foundation
import ScoringIO

extension Kam {
    /// `kam generate`: writes a synthetic prospect list with `ProspectListGenerator`.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a deterministic, realistic prospect list for tests and benchmarks.",
            discussion: """
                The same options always write the same bytes, on every platform. Columns, \
                units, ranges, missing codes and the five kinds of bad rows are described in \
                datasets/README.md, with the command that wrote the bundled sample. Rows \
                stream to the output, so ten million rows need no more memory than ten.

                With --outcomes the list becomes a history with known truth: two columns are \
                appended, 'outcome' (won/lost, drawn from each row's raw values with the shaped \
                effects documented in datasets/README.md) and 'followup_status', a leak planted on \
                purpose (written after the outcome). See datasets/README.md.
                """
        )

        @Option(help: "The number of prospect rows after the header.")
        var rows: Int = 1000

        @Option(help: "The random seed; the same seed writes the same list.")
        var seed: UInt64 = 42

        @Option(help: "The file to write (created or replaced); standard output when omitted.")
        var output: String?

        @Option(help: "The fraction of optional cells written as missing, 0 to 1.")
        var blankRate: Double = 0.03

        @Option(help: "The number of deliberately bad rows, cycling through the five kinds.")
        var badRows: Int = 0

        @Flag(help: "End lines with CRLF instead of LF.")
        var crlf = false

        @Flag(help: "Append 'outcome' (won/lost, from known shaped effects) and 'followup_status' (a planted leak).")
        var outcomes = false

        func validate() throws {
            guard rows >= 1 else {
                throw ValidationError("Please specify a '--rows' of at least 1.")
            }
            guard blankRate >= 0 && blankRate <= 1 else {
                throw ValidationError("Please specify a '--blank-rate' between 0 and 1.")
            }
            guard badRows >= 0 else {
                throw ValidationError("Please specify a '--bad-rows' of at least 0.")
            }
            guard badRows <= rows else {
                throw ValidationError(
                    "Please specify a '--bad-rows' of at most '--rows' (\(rows)).")
            }
        }

        func run() throws {
            let options = try GeneratorOptions(
                rows: rows,
                seed: seed,
                blankRate: blankRate,
                badRows: badRows,
                lineEnding: crlf ? .crlf : .lf
            )
            do {
                if outcomes {
                    let generator = ShapedHistoryGenerator(options: options)
                    if let output {
                        try generator.write(toFile: output)
                    } else {
                        try generator.write(to: FileHandle.standardOutput, named: "standard output")
                    }
                } else {
                    let generator = ProspectListGenerator(options: options)
                    if let output {
                        try generator.write(toFile: output)
                    } else {
                        try generator.write(to: FileHandle.standardOutput, named: "standard output")
                    }
                }
            } catch {
                // An output that cannot be written exits 70, as in the other commands.
                FileHandle.standardError.write(Data("kam: error: \(error.description)\n".utf8))
                throw ExitCode(70)
            }
        }
    }
}
