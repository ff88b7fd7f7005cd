import Foundation
import ScoringTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `kam` writes and refuses outputs (issue 14, "Files"): every test works in a
/// scratch folder of its own; none writes to /dev.
@Suite("Output files: written safely, refused clearly", .serialized)
struct FileSafetyTests {
    static let model = Paths.packageRoot + "/models/default.yaml"

    /// A scratch folder holding `list.csv` (the first 60 rows of datasets/prospects.csv,
    /// which include rejected rows).
    func folder() throws -> String {
        let directory = try KamRunner.temporaryDirectory()
        let text = try String(contentsOfFile: Paths.packageRoot + "/datasets/prospects.csv", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(61)
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/list.csv", atomically: true, encoding: .utf8)
        return directory
    }

    func rank(_ directory: String, _ extra: [String]) throws -> KamRunner.Outcome {
        try KamRunner.run(["rank", "list.csv", "--model", Self.model, "--quiet"] + extra, in: directory)
    }

    func contents(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

    func mode(_ path: String) -> mode_t {
        var status = stat()
        lstat(path, &status)
        return status.st_mode
    }

    /// No `.name.kam-*` temporary file was left behind.
    func noTemporaryFiles(_ directory: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(!names.contains { $0.contains(".kam-") }, "temporary files left: \(names)")
    }

    @Test("--output into a FIFO writes into it and leaves it a FIFO")
    func fifo() throws {
        let directory = try folder()
        let fifo = directory + "/out.fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        let received = LockedData()
        // Read with open(2)/read(2): the open waits for kam to open the FIFO for writing.
        let reader = Thread {
            var data = Data()
            let descriptor = open(fifo, O_RDONLY)
            if descriptor >= 0 {
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    data.append(contentsOf: buffer[0..<count])
                }
                close(descriptor)
            }
            received.set(data)
        }
        reader.start()
        let outcome = try rank(directory, ["--format", "csv", "--output", fifo])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        while !received.isSet { Thread.sleep(forTimeInterval: 0.01) }
        #expect(mode(fifo) & S_IFMT == S_IFIFO)
        #expect(String(decoding: received.value, as: UTF8.self).hasPrefix("rank,account_id"))
        try noTemporaryFiles(directory)
    }

    @Test("a write past the file-size limit exits 74 and leaves the old file as it was")
    func fileSizeLimit() throws {
        let directory = try folder()
        let old = Data("old report\n".utf8)
        FileManager.default.createFile(atPath: directory + "/out.csv", contents: old)
        // ulimit -f counts 512-byte (dash) or 1024-byte (bash) blocks: 4 is at most 4 KiB,
        // and the CSV ranking of 60 rows is about 20 KiB. kam ignores SIGXFSZ itself.
        let command = "ulimit -f 4; exec \"$0\" rank list.csv --model \"$1\" --quiet --format csv --output out.csv"
        let outcome = try KamRunner.runShell(command, arguments: [KamRunner.executable.path, Self.model], in: directory)
        #expect(outcome.status == 74, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("out.csv: writing the output failed"))
        #expect(contents(directory + "/out.csv") == old)
        try noTemporaryFiles(directory)

        // Standard output redirected to a file under the same limit: 74 too, no crash.
        let piped = try KamRunner.runShell(
            "ulimit -f 4; exec \"$0\" rank list.csv --model \"$1\" --quiet --format csv > stdout.csv",
            arguments: [KamRunner.executable.path, Self.model], in: directory)
        #expect(piped.status == 74, "\(piped.standardError)")
        #expect(piped.standardError.contains("standard output: writing the output failed"))
    }

    @Test("a large output written past the page cache: the bytes of a buffered write, and a write past the file-size limit still exits 74")
    func directWrites() throws {
        let directory = try folder()
        // 270,000 rows ranked as CSV are about 100 MB: past the 32 MiB from which a replaced
        // file is written with O_DIRECT (docs/files-and-exit-codes.md).
        let generated = try KamRunner.run(["generate", "--rows", "270000", "--seed", "5", "--output", "big.csv"], in: directory)
        try #require(generated.status == 0, "\(generated.standardError)")
        let ranked = try KamRunner.run(
            ["rank", "big.csv", "--model", Self.model, "--quiet", "--format", "csv", "--output", "out.csv"], in: directory)
        #expect(ranked.status == 0, "\(ranked.standardError)")
        let piped = try KamRunner.runShell(
            "exec \"$0\" rank big.csv --model \"$1\" --quiet --format csv > piped.csv",
            arguments: [KamRunner.executable.path, Self.model], in: directory)
        #expect(piped.status == 0, "\(piped.standardError)")
        let file = contents(directory + "/out.csv")
        #expect(file.count > 64 << 20)
        #expect(file == contents(directory + "/piped.csv"), "the file written direct differs from standard output's bytes")
        try noTemporaryFiles(directory)

        // A limit of 81,920 blocks is 40 MiB (dash's 512-byte blocks) or 80 MiB (bash's
        // 1,024): past the start of direct writes, before the end of the output.
        let old = Data("old report\n".utf8)
        FileManager.default.createFile(atPath: directory + "/out.csv", contents: old)
        let limited = try KamRunner.runShell(
            "ulimit -f 81920; exec \"$0\" rank big.csv --model \"$1\" --quiet --format csv --output out.csv",
            arguments: [KamRunner.executable.path, Self.model], in: directory)
        #expect(limited.status == 74, "\(limited.standardError)")
        #expect(limited.standardError.contains("out.csv: writing the output failed"))
        #expect(contents(directory + "/out.csv") == old)
        try noTemporaryFiles(directory)
    }

    @Test("a symbolic link stays a link; its target is replaced, keeping its permissions")
    func symbolicLink() throws {
        let directory = try folder()
        let target = directory + "/target.csv"
        FileManager.default.createFile(atPath: target, contents: Data("old\n".utf8))
        #expect(chmod(target, 0o640) == 0)
        #expect(symlink("target.csv", directory + "/link.csv") == 0)
        let outcome = try rank(directory, ["--format", "csv", "--output", "link.csv"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(mode(directory + "/link.csv") & S_IFMT == S_IFLNK)
        #expect(mode(target) & 0o7777 == 0o640)
        #expect(String(decoding: contents(target), as: UTF8.self).hasPrefix("rank,account_id"))
        try noTemporaryFiles(directory)
    }

    @Test("a file of mode 444 is not replaced, even by root (exit 73)")
    func readOnlyFile() throws {
        let directory = try folder()
        let path = directory + "/locked.csv"
        let old = Data("keep me\n".utf8)
        FileManager.default.createFile(atPath: path, contents: old)
        #expect(chmod(path, 0o444) == 0)
        let outcome = try rank(directory, ["--format", "csv", "--output", "locked.csv"])
        #expect(outcome.status == 73, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("not writable (mode 444)"))
        #expect(contents(path) == old)
        #expect(mode(path) & 0o7777 == 0o444)
        try noTemporaryFiles(directory)
    }

    @Test("an output that is the input list or the model in use is refused (exit 64)")
    func sameFile() throws {
        let directory = try folder()
        let list = contents(directory + "/list.csv")
        let asOutput = try rank(directory, ["--format", "csv", "--output", "list.csv"])
        #expect(asOutput.status == 64)
        #expect(asOutput.standardError.contains("list.csv is the same file as the input list"))
        let asRejects = try rank(directory, ["--rejects", "./list.csv"])
        #expect(asRejects.status == 64)
        #expect(contents(directory + "/list.csv") == list)

        // The model through another name (a hard link): same device and inode.
        let modelCopy = directory + "/model.yaml"
        try FileManager.default.copyItem(atPath: Self.model, toPath: modelCopy)
        #expect(link(modelCopy, directory + "/alias.yaml") == 0)
        let model = contents(modelCopy)
        let outcome = try KamRunner.run(
            ["rank", "list.csv", "--model", "model.yaml", "--output", "alias.yaml", "--quiet"], in: directory)
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains("is the same file as the model"))
        #expect(contents(modelCopy) == model)
    }

    @Test("an output in a missing folder or naming a directory exits 73")
    func cannotCreate() throws {
        let directory = try folder()
        let missing = try rank(directory, ["--output", "no/such/folder/out.txt"])
        #expect(missing.status == 73)
        #expect(missing.standardError.contains("cannot create the output file"))
        let isDirectory = try rank(directory, ["--output", "."])
        #expect(isDirectory.status == 73)
        #expect(isDirectory.standardError.contains("it is a directory"))
        let rejects = try rank(directory, ["--rejects", "no/such/folder/rejects.csv"])
        #expect(rejects.status == 73)
    }

    @Test("a directory as the model path and as the list path both exit 66")
    func directoryInputs() throws {
        let directory = try folder()
        let model = try KamRunner.run(["rank", "list.csv", "--model", directory], in: directory)
        #expect(model.status == 66, "\(model.standardError)")
        let list = try KamRunner.run(["rank", directory, "--model", Self.model], in: directory)
        #expect(list.status == 66, "\(list.standardError)")
    }

    @Test("a clean run empties a stale rejects file it would have written")
    func staleRejects() throws {
        let directory = try folder()
        // Keep only rows that are accepted: the header and two good rows.
        let text = String(decoding: contents(directory + "/list.csv"), as: UTF8.self)
        let lines = text.split(separator: "\n")
        try (lines.prefix(3).joined(separator: "\n") + "\n").write(
            toFile: directory + "/clean.csv", atomically: true, encoding: .utf8)
        try "line,column,reason,message\n9,x,old,stale reject\n".write(
            toFile: directory + "/clean.rejects.csv", atomically: true, encoding: .utf8)
        let outcome = try KamRunner.run(["rank", "clean.csv", "--model", Self.model, "--quiet"], in: directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let rejects = String(decoding: contents(directory + "/clean.rejects.csv"), as: UTF8.self)
        #expect(!rejects.contains("stale reject"))
        #expect(rejects.hasPrefix("line,column,reason,message"))
        #expect(rejects.split(separator: "\n").count == 1)
        // Without an old file, a clean run creates none.
        try FileManager.default.removeItem(atPath: directory + "/clean.rejects.csv")
        _ = try KamRunner.run(["rank", "clean.csv", "--model", Self.model, "--quiet"], in: directory)
        #expect(!FileManager.default.fileExists(atPath: directory + "/clean.rejects.csv"))
    }

    @Test("control characters in values are escaped in table and markdown output and in messages")
    func controlCharacters() throws {
        let directory = try folder()
        let text = String(decoding: contents(directory + "/list.csv"), as: UTF8.self)
        var lines = text.split(separator: "\n").map(String.init)
        // Row 1: a name with ESC, CR and a bidi override (quoted, so the CR stays in the field).
        var fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[1] = "\"\u{1B}[31mRED\r\u{202E}X\""
        lines[1] = fields.joined(separator: ",")
        // Row 2: a 5,000-byte non-number with ESC in a number column (rejected).
        fields = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let budget = try #require(header.firstIndex(of: "annual_ad_budget"))
        fields[budget] = "\u{1B}]0;x" + String(repeating: "y", count: 5000)
        lines[2] = fields.joined(separator: ",")
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/list.csv", atomically: true, encoding: .utf8)
        for format in ["table", "markdown"] {
            let outcome = try KamRunner.run(
                ["rank", "list.csv", "--model", Self.model, "--format", format, "--top", "100"], in: directory)
            #expect(outcome.status == 0)
            for output in [outcome.standardOutput, outcome.standardError] {
                #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\r" || $0 == "\0" || $0 == "\u{202E}" })
            }
            #expect(outcome.standardOutput.contains("\\e[31mRED\\r"))
        }
        let outcome = try KamRunner.run(["rank", "list.csv", "--model", Self.model, "--format", "csv"], in: directory)
        let message = try #require(outcome.standardError.split(separator: "\n").first { $0.contains("annual_ad_budget") })
        #expect(message.utf8.count < 600, "the message echoes \(message.utf8.count) bytes")
        #expect(message.contains("\\e]0;x"))
        #expect(message.contains("(5005 bytes in all)"))
    }

    @Test("no try! in Sources: a failed write is an error, never a trap")
    func noForcedTry() throws {
        let sources = Paths.packageRoot + "/Sources"
        let files = try #require(FileManager.default.enumerator(atPath: sources)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains("try!") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                Issue.record("Sources/\(file):\(number + 1) uses try!: \(line)")
            }
        }
    }

    @Test("kam generate writes through the same safe path: 444 refused, missing folder 73")
    func generate() throws {
        let directory = try folder()
        let path = directory + "/locked.csv"
        FileManager.default.createFile(atPath: path, contents: Data("keep\n".utf8))
        #expect(chmod(path, 0o444) == 0)
        let outcome = try KamRunner.run(["generate", "--rows", "10", "--output", "locked.csv"], in: directory)
        #expect(outcome.status == 73)
        #expect(contents(path) == Data("keep\n".utf8))
        let missing = try KamRunner.run(["generate", "--rows", "10", "--output", "nope/x.csv"], in: directory)
        #expect(missing.status == 73)
    }
}
