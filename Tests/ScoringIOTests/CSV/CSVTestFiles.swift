@testable import ScoringIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `text` (UTF-8) as a CSV file named `test.csv`.
func readCSV(_ text: String, options: CSVOptions = .init()) throws(DatasetError) -> CSVTable {
    try CSVReader(options: options).read(bytes: Array(text.utf8), file: "test.csv")
}

/// Scratch files and the shared datasets, for the CSV tests.
enum CSVTestFiles {
    /// Why a test could not write its scratch file.
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes `bytes` to `path`, replacing the file.
    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw WriteError(description: "cannot create \(path)") }
        defer { fclose(file) }
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count else {
            throw WriteError(description: "short write to \(path)")
        }
    }

    /// Removes the file at `path`, ignoring errors.
    static func remove(_ path: String) {
        unlink(path)
    }

    /// A file under `/work/shared/datasets`, found from this package: the package root is
    /// three levels above this file (`Tests/ScoringIOTests/CSV/`), and `shared` is its sibling.
    static func sharedDataset(_ relativePath: String) -> String {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(4)  // this file's name, CSV, ScoringIOTests, Tests
        return components.joined(separator: "/") + "/../shared/datasets/" + relativePath
    }
}
