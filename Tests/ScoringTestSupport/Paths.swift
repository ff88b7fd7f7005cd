#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Whether the tests that read `../shared/datasets` should run.
    ///
    /// A clone outside the workplace has no `../shared`: those tests skip there, with
    /// ``sharedDatasetsMissing`` as the visible reason. CI sets `KAM_REQUIRE_SHARED=1`, so they
    /// run (and fail on a missing file) rather than skip where the folder must exist.
    public static let sharedDatasetsAvailable: Bool = {
        if let required = getenv("KAM_REQUIRE_SHARED"), String(cString: required) == "1" { return true }
        var status = stat()
        return stat(sharedDatasets, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }()

    /// The reason shown for a skipped test that needs the shared datasets.
    public static let sharedDatasetsMissing =
        "needs ../shared/datasets beside the package (the workplace's real exports); not present in this clone"
}
