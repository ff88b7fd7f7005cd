/// Where the package and the shared datasets are, for tests that read real files.
public enum Paths {
    /// The package root (this file is Tests/ScoringTestSupport/Paths.swift).
    public static let packageRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// `../shared/datasets` beside the package (present on developers' machines and in CI).
    public static let sharedDatasets = packageRoot + "/../shared/datasets"
}
