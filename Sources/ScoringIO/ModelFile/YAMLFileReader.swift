import Yams

/// A reader of one of kam's YAML files (model, pipeline, team, scorecard): the file's
/// text and root node are read the same way (``YAMLFile``), then walked by the file's own
/// parser.
public protocol YAMLFileReader: Sendable {
    /// What the reader returns.
    associatedtype Content
    /// How the file is named in messages, and how its tree is walked.
    static var format: YAMLFileFormat<Content> { get }
}

/// What a ``YAMLFileReader`` needs to know of its file: the kind and option for messages,
/// and the parser of its root node.
public struct YAMLFileFormat<Content>: Sendable {
    /// What the file is, for messages ("model", "pipeline", …).
    let kind: String
    /// The command-line option that names the file (e.g. `--model`).
    let option: String
    /// Walks the document's root node; `file` names the file in errors.
    let parse: @Sendable (_ root: Node, _ file: String) throws(ModelFileError) -> Content
}

extension YAMLFileReader {
    /// Reads and checks the file at `path`.
    ///
    /// - Throws: `ModelFileError` naming the file, line and fix (line 0 when the file as a
    ///   whole cannot be read).
    public func read(contentsOf path: String) throws(ModelFileError) -> Content {
        let format = Self.format
        return try read(yaml: try YAMLFile.text(atPath: path, kind: format.kind, option: format.option), file: path)
    }

    /// Reads and checks YAML text; `file` names it in errors.
    ///
    /// - Throws: `ModelFileError` naming the file, line and fix.
    public func read(yaml: String, file: String) throws(ModelFileError) -> Content {
        let format = Self.format
        return try format.parse(try YAMLFile.root(of: yaml, file: file, kind: format.kind), file)
    }
}
