/// What can go wrong with a run history database. Each case names the file and says what to
/// do; the CLI maps them to exit statuses (``isBadData``: 65, else 74 or 66).
public enum HistoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file exists but is not an SQLite database.
    case notADatabase(path: String)
    /// An SQLite database that another program made (no kam application id).
    case notAKamHistory(path: String)
    /// A kam history written by a newer kam (schema steps this kam does not know).
    case newerVersion(path: String, unknown: [String])
    /// The file does not exist (commands that only read a history).
    case missing(path: String)
    /// A run id that the history does not hold.
    case unknownRun(path: String, run: Int64, available: [Int64])
    /// Fewer than two runs to compare.
    case tooFewRuns(path: String, count: Int)
    /// An account id that no run holds.
    case unknownAccount(path: String, account: String)
    /// SQLite failed (I/O, disk full, a lock held longer than the busy timeout, …).
    case database(path: String, message: String)

    public var description: String {
        switch self {
        case .notADatabase(let path):
            return "\(path): not a kam run history (not an SQLite database); it was left untouched. "
                + "Give another file with --record or KAM_HISTORY, or move this one away."
        case .notAKamHistory(let path):
            return "\(path): an SQLite database that is not a kam run history; it was left untouched. "
                + "Give another file with --record or KAM_HISTORY."
        case .newerVersion(let path, let unknown):
            return "\(path): a kam run history written by a newer kam (schema steps \(unknown.joined(separator: ", ")) "
                + "are unknown to this kam); it was left untouched. Use that newer kam, or record into another file."
        case .missing(let path):
            return "\(path): no such run history. Record one with 'kam rank LIST --record \(path)', "
                + "or give the path (or set KAM_HISTORY)."
        case .unknownRun(let path, let run, let available):
            let list = available.isEmpty ? "none" : available.map(String.init).joined(separator: ", ")
            return "\(path): there is no run \(run); the recorded runs are \(list) (see 'kam runs')."
        case .tooFewRuns(let path, let count):
            return "\(path): \(count) run\(count == 1 ? "" : "s") recorded; comparing needs two. "
                + "Record another with 'kam rank LIST --record \(path)'."
        case .unknownAccount(let path, let account):
            return "\(path): no recorded run holds account '\(account)'; check the id (ids are matched exactly)."
        case .database(let path, let message):
            return "\(path): the run history could not be read or written: \(message)"
        }
    }

    /// The sysexits.h status a command exits with: 65 for a file that is not a history this
    /// kam can use or cannot answer, 64 for a run or account the command line names wrongly,
    /// 66 for a missing history, 74 for an SQLite or file-system failure.
    public var exitStatus: Int32 {
        switch self {
        case .notADatabase, .notAKamHistory, .newerVersion, .tooFewRuns: return 65
        case .unknownRun, .unknownAccount: return 64
        case .missing: return 66
        case .database: return 74
        }
    }
}
