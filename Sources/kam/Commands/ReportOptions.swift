import ArgumentParser
import Reports
import ScoringEngine

/// The options of a report that commands share, one option to a group: `--format`,
/// `-o/--output`, `--lang`, `--quiet`.
///
/// A command takes the groups it has (`@OptionGroup var labels: ReportOptions.Labels`) where
/// its help lists the option, so the shared options keep their place in each command's help
/// and no command gains an option it did not have. An option whose choices or help are the
/// command's own stays declared in the command: `--format` with a workbook (`rank`,
/// `forecast`, `allocate`, `kpi`, the run-history reports) or with more to say (`validate`,
/// `pipeline fit`), an `--output` that is not a report (`init`, `generate`, `report`,
/// `model fit`, `model export`, `pipeline fit`), a `--lang` or `--quiet` worded for the
/// command (`validate`, `init`, `report`, `model export`, `rank`).
enum ReportOptions {
    /// `--format` with the four text formats and nothing more to say about them.
    struct Format: ParsableArguments {
        @Option(help: "The output format.")
        var format: OutputFormat = .table
    }

    /// `-o/--output`: the file a report is written to instead of standard output.
    struct Output: ParsableArguments {
        @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
        var output: String?
    }

    /// `--lang`: the language of a report's labels.
    struct Labels: ParsableArguments {
        @Option(help: "The language of labels: en or zh.")
        var lang: Language = .en
    }

    /// `--quiet`: nothing on standard error but errors (no progress, no summary).
    struct Quiet: ParsableArguments {
        @Flag(help: "Print nothing on standard error except errors.")
        var quiet = false
    }
}

extension Progress {
    /// The progress of a command with the shared `--quiet`, `--lang` and hidden `--timings`
    /// options: shown on a terminal, unless `--quiet`.
    convenience init(messages: ReportOptions.Quiet, labels: ReportOptions.Labels, diagnostics: DiagnosticOptions) {
        self.init(enabled: !messages.quiet && standardErrorIsTerminal, timings: diagnostics.timings, language: labels.lang)
    }
}
