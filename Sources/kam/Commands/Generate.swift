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
            // Through OutputFile: a file is replaced atomically, a device or pipe written
            // into; 73 when the output cannot be created, 74 when a write fails.
            do throws(OutputFileError) {
                let file = try output.map { (path) throws(OutputFileError) in try OutputFile(path: path) } ?? .standardOutput()
                let sink = { (chunk: [UInt8]) throws(OutputFileError) in
                    file.write(chunk)
                    if let failure = file.failure { throw failure }
                }
                if outcomes {
                    try ShapedHistoryGenerator(options: options).write(chunksTo: sink)
                } else {
                    try ProspectListGenerator(options: options).write(chunksTo: sink)
                }
                try file.commit()
            } catch {
                printError("kam: error: \(error.description)")
                throw ExitCode(error.exitStatus)
            }
        }
    }
}
