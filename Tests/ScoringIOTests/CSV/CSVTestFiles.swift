#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a test could not write its scratch file.
struct TestFileError: Error, CustomStringConvertible {
    let description: String
}

/// Writes `bytes` to `path`, replacing the file.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    guard let file = fopen(path, "wb") else { throw TestFileError(description: "cannot create \(path)") }
    defer { fclose(file) }
    let written = fwrite(bytes, 1, bytes.count, file)
    guard written == bytes.count else { throw TestFileError(description: "short write to \(path)") }
}

/// Removes the file at `path`, ignoring errors.
func removeFile(_ path: String) {
    unlink(path)
}

/// The directory `/work/shared/datasets` seen from this package: the package root is three
/// levels above this file (`Tests/ScoringIOTests/CSV/`), and `shared` is its sibling.
func sharedDatasetPath(_ relativePath: String, filePath: String = #filePath) -> String {
    var components = filePath.split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(4)  // CSV file name, CSV, ScoringIOTests, Tests
    return components.joined(separator: "/") + "/../shared/datasets/" + relativePath
}
