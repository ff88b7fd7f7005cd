import ArgumentParser
import Foundation
import ScoringIO

extension Kam {
    /// `kam generate`: writes a synthetic prospect list with `ProspectListGenerator`.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a deterministic, realistic prospect list for tests and benchmarks.",
            discussion: """
                The same options always write the same bytes. Columns, units and ranges are \
                described in datasets/README.md. Rows stream to the output, so ten million \
                rows need no more memory than ten.

                The bundled sample was written with:
                  kam generate --rows 300 --seed 20121 --blank-rate 0.04 --bad-rows 5 \
                --output datasets/prospects.csv
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
            let generator = ProspectListGenerator(options: options)
            if let output {
                try generator.write(toFile: output)
            } else {
                try generator.write(to: FileHandle.standardOutput, named: "standard output")
            }
        }
    }
}
