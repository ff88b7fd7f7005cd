import Foundation
import Yams

/// Reads the YAML files of kam (model, pipeline, team, scorecard) the same way: UTF-8
/// text, one document, and YAML syntax errors turned into a `ModelFileError` with the line.
enum YAMLFile {
    /// The text of the file at `path`.
    ///
    /// - Parameters:
    ///   - kind: what the file is, for messages ("model", "pipeline", …).
    ///   - option: the command-line option that names the file (e.g. `--model`).
    static func text(atPath path: String, kind: String, option: String) throws(ModelFileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError(.unreadable(kind: kind, option: option), at: .init(file: path, line: 0))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelFileError(.notUTF8(kind: kind), at: .init(file: path, line: 0))
        }
        return text
    }

    /// The root node of a YAML document; `file` names it in errors.
    static func root(of yaml: String, file: String, kind: String) throws(ModelFileError) -> Node {
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ModelFileError(.empty(kind: kind), at: .init(file: file, line: 0))
            }
            return node
        } catch let error as ModelFileError {
            throw error
        } catch let error as YamlError {
            throw ModelFileError(.invalidYAML(problem(of: error)), at: .init(file: file, line: line(of: error)))
        } catch {
            throw ModelFileError(.invalidYAML("\(error)"), at: .init(file: file, line: 0))
        }
    }

    static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return 0
        }
    }

    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "\(error)"
        }
    }
}
