import ScoringEngine

/// A YAML file of kam (model, pipeline, team, scorecard) that cannot be used: what is wrong
/// (``Problem``) and where (``Location``), kept apart from the wording.
///
/// The description reads `FILE, line N: MESSAGE`, e.g.
/// `models/default.yaml, line 12: weight for 'share' is -0.2; weights must be finite numbers of at least 0.`
/// Tests match on the case (`if case .unknownKey(let key, _, _) = error.problem`); two
/// errors are equal when they say the same thing at the same place (file, line, message).
public struct ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the problem is.
    public struct Location: Equatable, Sendable {
        public let file: String
        /// 1-based line of the offending key or value; 0 when the problem concerns the whole file.
        public let line: Int
        /// The key the problem concerns, where one is known (`weight`, `grading.grid`).
        public let key: String?

        public init(file: String, line: Int, key: String? = nil) {
            self.file = file
            self.line = line
            self.key = key
        }
    }

    /// What is wrong; ``message`` words it.
    public enum Problem: Equatable, Sendable {
        /// The file cannot be read (`kind` is "model", "pipeline", …; `option` names it on the command line).
        case unreadable(kind: String, option: String)
        case notUTF8(kind: String)
        case empty(kind: String)
        /// YAML syntax, in the YAML parser's words.
        case invalidYAML(String)
        /// `what` must be a mapping of keys to values.
        case notAMapping(what: String)
        /// A key not allowed in `what`, with the allowed keys.
        case unknownKey(String, in: String, allowed: [String])
        case notAList(what: String)
        case notASingleValue(what: String)
        case notANumber(what: String, text: String)
        case notABoolean(what: String, text: String)
        /// A word that is not one of `choices`.
        case notAChoice(what: String, text: String, choices: [String])
        /// `what` needs the key `key`.
        case missingKey(String, in: String)
        /// A number outside `0...1`.
        case notAProbability(what: String, value: Double)
        /// A number that must be a whole number of at least 0.
        case notACount(what: String, value: Double)
        case negativeWeight(what: String, value: Double)
        /// An id or name given twice (`kind` "factor" or "scenario"), with the line of the first.
        case definedTwice(kind: String, name: String, firstLine: Int, advice: String)
        /// The model as a whole breaks a rule of the engine.
        case model(ModelError)
        /// The file cannot be written.
        case cannotWrite(reason: String)
        /// A problem particular to one place, stated in words.
        case other(String)

        /// The problem in words, without the place.
        public var message: String {
            switch self {
            case .unreadable(let kind, let option): return "cannot read the \(kind) file; check the path (\(option))."
            case .notUTF8(let kind): return "the \(kind) file is not UTF-8 text; save it as UTF-8."
            case .empty(let kind): return "the \(kind) file is empty."
            case .invalidYAML(let problem): return "not valid YAML: \(problem)"
            case .notAMapping(let what): return "\(what) must be a mapping of keys to values."
            case .unknownKey(let key, let what, let allowed):
                return "unknown key '\(key)' in \(what); allowed keys: \(allowed.joined(separator: ", "))."
            case .notAList(let what): return "\(what) must be a list."
            case .notASingleValue(let what): return "\(what) must be a single value, not a list or mapping."
            case .notANumber(let what, let text): return "\(what) is '\(text)'; it must be a number."
            case .notABoolean(let what, let text): return "\(what) is '\(text)'; write true or false."
            case .notAChoice(let what, let text, let choices):
                return "\(what) is '\(text)'; it must be one of: \(choices.joined(separator: ", "))."
            case .missingKey(let key, let what): return "\(what) needs a '\(key)' key."
            case .notAProbability(let what, let value): return "\(what) is \(formatPlain(value)); it must be between 0 and 1."
            case .notACount(let what, let value): return "\(what) is \(formatPlain(value)); it must be a whole number of at least 0."
            case .negativeWeight(let what, let value):
                return "\(what) is \(formatPlain(value)); weights must be finite numbers of at least 0."
            case .definedTwice(let kind, let name, let firstLine, let advice):
                return "\(kind) '\(name)' is defined twice (first on line \(firstLine)); \(advice)"
            case .model(let error): return error.description
            case .cannotWrite(let reason): return "cannot write the model file (\(reason))"
            case .other(let message): return message
            }
        }
    }

    public let problem: Problem
    public let location: Location

    public init(_ problem: Problem, at location: Location) {
        self.problem = problem
        self.location = location
    }

    /// A problem stated in words (``Problem/other(_:)``), for places without a case of their own.
    public init(file: String, line: Int, message: String) {
        self.init(.other(message), at: Location(file: file, line: line))
    }

    public var file: String { location.file }
    /// 1-based line of the offending key or value; 0 when the problem concerns the whole file.
    public var line: Int { location.line }
    public var message: String { problem.message }

    public var description: String {
        line > 0 ? "\(file), line \(line): \(message)" : "\(file): \(message)"
    }

    public static func == (lhs: ModelFileError, rhs: ModelFileError) -> Bool {
        lhs.file == rhs.file && lhs.line == rhs.line && lhs.message == rhs.message
    }
}
