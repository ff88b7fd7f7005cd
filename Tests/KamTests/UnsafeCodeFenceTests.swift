import Foundation
import ScoringTestSupport
import Testing

/// Pointer code lives in named homes: a `withUnsafe…`, `Unsafe…Pointer`, `unsafeBitCast` or
/// `unsafeUninitializedCapacity` anywhere else under `Sources/` fails this test.
///
/// To use pointers in new code, add a small internal type to the module's home file (see
/// docs/architecture.md) rather than a file to this list.
@Suite("Unsafe code stays in its homes")
struct UnsafeCodeFenceTests {
    /// The homes: files (or folders, ending in `/`) where pointer code belongs.
    static let homes = [
        "Sources/LinearAlgebra/",  // BLAS and LAPACK wrappers, Matrix storage
        "Sources/ScoringEngine/Support/UnsafeBuffers.swift",  // UncheckedView, UncheckedMutableView
        "Sources/ScoringIO/Ingest/TemporaryFile.swift",  // pread/pwrite of the sort's and the spill's unlinked files
        "Sources/RunHistory/PreparedInsert.swift",  // SQLite's C binding of blobs (sqlite3_bind_blob, SQLITE_TRANSIENT)
        "Sources/RunHistory/RawScan.swift",  // SQLite's C column blobs (sqlite3_column_blob)
        "Sources/ScoringIO/Support/UnsafeBytes.swift",  // ByteView, PanelView: a chunk's bytes, a panel's values
        "Sources/ScoringIO/Support/SystemIO.swift",  // read, pread, write and iconv on arrays
    ]

    static let pattern = try! NSRegularExpression(
        pattern: "withUnsafe|Unsafe[A-Za-z]*Pointer|unsafeBitCast|unsafeUninitializedCapacity")

    /// `(file, line, text)` of every use under `Sources/` outside comments.
    static func uses() throws -> [(file: String, line: Int, text: String)] {
        let root = Paths.packageRoot
        var found: [(String, Int, String)] = []
        let enumerator = FileManager.default.enumerator(atPath: root + "/Sources")
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let file = "Sources/" + relative
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                let string = String(line)
                if pattern.firstMatch(in: string, range: NSRange(string.startIndex..., in: string)) != nil {
                    found.append((file, index + 1, code))
                }
            }
        }
        return found
    }

    static func isAllowed(_ file: String) -> Bool {
        homes.contains { $0.hasSuffix("/") ? file.hasPrefix($0) : file == $0 }
    }

    @Test("No pointer code outside the homes")
    func fenced() throws {
        let outside = try Self.uses().filter { !Self.isAllowed($0.file) }
        let listing = outside.map { "\($0.file):\($0.line): \($0.text)" }.joined(separator: "\n")
        #expect(
            outside.isEmpty,
            "pointer code outside its homes; move it behind a small type in the module's home file (docs/architecture.md):\n\(listing)")
    }

    @Test("The fence sees pointer code where it is (the homes are not empty)")
    func seesPointers() throws {
        let files = Set(try Self.uses().map(\.file))
        #expect(files.contains("Sources/LinearAlgebra/Matrix+BLAS.swift"))
        #expect(files.contains("Sources/ScoringEngine/Support/UnsafeBuffers.swift"))
        #expect(files.contains("Sources/ScoringIO/Support/UnsafeBytes.swift"))
        #expect(files.contains("Sources/ScoringIO/Support/SystemIO.swift"))
    }
}
