import ScoringEngine
import ScoringIO

/// The problems only a command can see, and the context a command adds to a library error.
///
/// The library's own errors (``DatasetError``, ``ModelFileError``, ``HistoryError``, …) are not
/// wrapped in these: commands let them propagate, and ``CommandFailure`` (ErrorMapping.swift)
/// gives each its message and exit status. A case here carries data, not wording; its
/// `description` words it.
enum CLIError: Error, CustomStringConvertible {
    // MARK: Inputs and the command line

    /// 66 EX_NOINPUT: an input file is missing or unreadable (also a directory given as one);
    /// the command checked the path before reading it.
    case inputMissing(String)
    /// 73 EX_CANTCREAT: an output file cannot be created (the path's message).
    case cannotWrite(String)
    /// An output that cannot be created (73), whose write failed (74), or that is an input
    /// of the run (64).
    case output(OutputFileError)
    /// 64 EX_USAGE without the usage text: the command line is wrong in a way the parser
    /// cannot see (such as one file named for two roles).
    case usage(String)
    // MARK: A library error in the context of a file (65)

    /// A library error about `file` (a model, pipeline, history, or team file; for
    /// `kam backtest` the two files it joins, "events, snapshots"): printed `file: error`.
    case inFile(String, any Error)
    /// `kam init` reads its list as data: every problem reading it is 65, an unreadable list
    /// too (not 66 as elsewhere), as the golden files pin it.
    case initList(DatasetError)
    /// `kam weights fit` could not fit the history `file`; a hint follows the errors a
    /// positive `--strength` avoids.
    case weightFit(file: String, WeightFitError)
    /// `kam pipeline fit --runs`: the chain fitted from recorded runs never ends because no
    /// account closed, which `--dropped` can say.
    case noClosedAccounts(file: String, ForecastError)
    /// `kam model fit --exclude` left the base model without a factor on a side.
    case excludedEverySide(columns: [String], model: String, ModelError)

    // MARK: Data that leaves a command nothing to do (65)

    /// `kam sensitivity`: no account of the list could be scored.
    case nothingToAnalyze(list: String)
    /// `kam explain`: the account is on a rejected row (`reject` is the row's description).
    case accountRejected(account: String, reject: String)
    /// `kam explain`: no account has the id; `sample` shows the first ids, `more` whether
    /// there are others.
    case noSuchAccount(list: String, account: String, sample: [String], more: Bool)
    /// `kam weights fit`: no account of the history is won or lost.
    case nothingToFit(history: String, outcomeColumn: String, open: Int)
    /// `kam model fit`: no account of the history is won or lost.
    case nothingToLearn(history: String, outcomeColumn: String, open: Int, rejected: Int)
    /// `kam model fit`: every decided account has the same outcome (`kind`, "won" or "lost").
    case oneOutcomeOnly(history: String, kind: String, count: Int, outcomeColumn: String)
    /// `kam model fit --test`: no account of the test history is won or lost.
    case nothingToEvaluate(history: String, outcomeColumn: String)
    /// `kam pipeline fit`: an event log without a usable event.
    case noUsableEvent(log: String)
    /// `kam pipeline fit --runs`: fewer than two recorded runs with stages.
    case tooFewStagedRuns(history: String, runs: Int, withoutStages: Int)
    /// `kam pipeline fit --strict`: rows were rejected (`first` describes the first).
    case strictHistoryRejects(count: Int, first: String)
    /// `kam rank --columns`: the ranking could not be read back to lay it out as a table (a
    /// problem with the CSV the command wrote itself).
    case tableLayout(any Error)

    var description: String {
        switch self {
        case .inputMissing(let message), .usage(let message): return message
        case .cannotWrite(let path):
            return "\(InputEcho.path(path)): cannot write the output file; check the folder exists and is writable."
        case .output(let error): return error.description
        case .inFile(let file, let error): return "\(file): \(error)"
        case .initList(let error): return "\(error)"
        case .weightFit(let file, let error):
            var message = "\(file): \(error.description)"
            if case .regression(let reason) = error {
                switch reason {
                case .perfectSeparation, .rankDeficient, .singleOutcomeClass, .numericallySingular:
                    message += " Here: give a positive --strength (or --strength cv), which keeps every coefficient finite."
                default:
                    break
                }
            }
            return message
        case .noClosedAccounts(let file, let error):
            return "\(file): no account closed (won or lost) in the recorded runs, so the chain never ends: "
                + "\(error.description) Prospect lists hold no outcomes; if leaving the lists means an "
                + "outcome, say so with '--dropped lost' or '--dropped stage5-won'."
        case .excludedEverySide(let columns, let model, let error):
            return "--exclude \(columns.joined(separator: ",")) leaves the base model \(model) without a factor to learn "
                + "on a side (\(error)); keep at least one value and one difficulty factor."
        case .nothingToAnalyze(let list): return "\(list): no account could be scored; nothing to analyze."
        case .accountRejected(let account, let reject):
            return "account '\(account)' is on a row that cannot be scored: \(reject)"
        case .noSuchAccount(let list, let account, let sample, let more):
            return "\(list): no account '\(account)'; ids look like \(sample.joined(separator: ", "))\(more ? ", …" : "")."
        case .nothingToFit(let history, let outcomeColumn, let open):
            return "\(history): no account has a won or lost outcome in '\(outcomeColumn)' (\(open) open); nothing to fit."
        case .nothingToLearn(let history, let outcomeColumn, let open, let rejected):
            return "\(history): no account has a won or lost outcome in '\(outcomeColumn)' (\(open) open, \(rejected) rejected); "
                + "nothing to learn from. Check the outcome column (--outcome-column)."
        case .oneOutcomeOnly(let history, let kind, let count, let outcomeColumn):
            return "\(history): every decided account was \(kind) (\(count) of them); learning needs both won and lost "
                + "accounts. Check the outcome column '\(outcomeColumn)'."
        case .nothingToEvaluate(let history, let outcomeColumn):
            return "\(history): no account has a won or lost outcome in '\(outcomeColumn)'; nothing to evaluate on."
        case .noUsableEvent(let log): return "\(log): the log has no usable event; see the rejected rows above."
        case .tooFewStagedRuns(let history, let runs, let withoutStages):
            return "\(history): \(runs) recorded run\(runs == 1 ? "" : "s") with stages "
                + "(\(withoutStages) without); stage moves need at least two. Record lists "
                + "with a stage column: kam rank LIST --record \(history)."
        case .strictHistoryRejects(let count, let first):
            return "\(count) rows were rejected and --strict is set. First: \(first)"
        case .tableLayout(let error): return "the ranking could not be laid out as a table: \(error)"
        }
    }
}
