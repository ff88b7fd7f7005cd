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
    func write(_ rejected: [Reject], header: [String], input: String, model: String? = nil) throws -> String? {
        let path = try Self.writeRejects(
            rejected, header: header, to: Self.path(rejects, input: input),
            protecting: protectedInputs(list: input, model: model))
        if strict, let first = rejected.first {
            throw DatasetError.strictRejects(file: input, count: rejected.count, first: first.description)
        }
        return path
    }

    /// Writes `rejected` to `path` and returns it; with no rejects, returns `nil` and empties
    /// a stale rejects file left at `path` by an earlier run (only its header stays), so a
    /// clean run never leaves old rejects beside new results.
    ///
    /// - Throws: `OutputFileError` (73, 74 or 64) when the file cannot be written.
    static func writeRejects(
        _ rejected: [some RejectedRow], header: [String], to path: String, protecting inputs: [ProtectedInput]
    ) throws -> String? {
        if rejected.isEmpty {
            var status = stat()
            // Nothing to write and nothing stale: create no file.
            guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else { return nil }
        }
        try RejectsWriter.write(rejected, header: header, to: path, protecting: inputs)
        return rejected.isEmpty ? nil : path
    }

    /// The given path, or `<input name>.rejects.csv` in the current folder.
    static func path(_ given: String?, input: String) -> String {
        given ?? "\(URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent).rejects.csv"
    }
}
