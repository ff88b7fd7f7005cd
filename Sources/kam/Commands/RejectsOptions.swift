import ArgumentParser
import Foundation
import ScoringIO

/// `--rejects FILE` and `--strict`, shared by the commands that read a prospect list: rows
/// that cannot be scored are never dropped silently, they are written to the rejects file
/// with their line, column and reason.
struct RejectsOptions: ParsableArguments {
    @Option(help: "Where to write rejected rows (default: <input name>.rejects.csv in the current folder).")
    var rejects: String?

    @Flag(help: "Fail (exit 65) if any row is rejected.")
    var strict = false

    /// Writes the rejected rows of `input`, if any, and returns where; with `--strict` a
    /// reject is an error (exit 65) after the file is written.
    func write(_ rejected: [Reject], header: [String], input: String) throws -> String? {
        guard !rejected.isEmpty else { return nil }
        let path = Self.path(rejects, input: input)
        do {
            try RejectsWriter.write(rejected, header: header, to: path)
        } catch {
            throw CLIError.cannotWrite(path)
        }
        if strict, let first = rejected.first {
            throw CLIError.badData(
                DatasetError.strictRejects(file: input, count: rejected.count, first: first.description).description)
        }
        return path
    }

    /// The given path, or `<input name>.rejects.csv` in the current folder.
    static func path(_ given: String?, input: String) -> String {
        given ?? "\(URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent).rejects.csv"
    }
}
