import Foundation
import ScoringEngine
import Testing

@testable import ScoringIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("OutputFile: atomic replace, write into devices, refusals")
struct OutputFileTests {
    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "kam-output-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func entries(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test("the target changes only at commit; a discarded output leaves the old file and no temporary file")
    func atomic() throws {
        let directory = try folder()
        let path = directory + "/out.csv"
        try OutputFile.write("old\n", to: path)
        let file = try OutputFile(path: path)
        file.write("new\n")
        try file.flush()
        #expect(String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) == "old\n")
        file.discard()
        #expect(try entries(directory) == ["out.csv"])
        let second = try OutputFile(path: path)
        second.write(Array(repeating: UInt8(ascii: "x"), count: 3 << 20))  // over the buffer: direct writes
        try second.commit()
        #expect(FileManager.default.contents(atPath: path)?.count == 3 << 20)
        #expect(try entries(directory) == ["out.csv"])
    }

    @Test("a dangling symbolic link creates its target and stays a link")
    func danglingLink() throws {
        let directory = try folder()
        #expect(symlink("real.txt", directory + "/link.txt") == 0)
        try OutputFile.write("hello\n", to: directory + "/link.txt")
        #expect(FileManager.default.contents(atPath: directory + "/real.txt") == Data("hello\n".utf8))
        var status = stat()
        lstat(directory + "/link.txt", &status)
        #expect(status.st_mode & S_IFMT == S_IFLNK)
    }

    @Test("refusals carry their exit status: 73 cannot create, 64 same file as an input")
    func refusals() throws {
        let directory = try folder()
        #expect(throws: OutputFileError.cannotCreate(file: directory, reason: "it is a directory")) {
            try OutputFile(path: directory)
        }
        let input = directory + "/list.csv"
        try OutputFile.write("id\n", to: input)
        #expect(link(input, directory + "/alias.csv") == 0)
        do {
            _ = try OutputFile(path: directory + "/alias.csv", protecting: [ProtectedInput(input, role: "input list")])
            Issue.record("the alias of the input was accepted")
        } catch {
            #expect(error.exitStatus == 64)
            #expect(error == .sameFileAsInput(file: directory + "/alias.csv", input: input, role: "input list"))
        }
        do {
            _ = try OutputFile(path: directory + "/missing/x.csv")
            Issue.record("a missing folder was accepted")
        } catch {
            #expect(error.exitStatus == 73)
        }
        #expect(OutputFileError.writeFailed(file: "x", reason: "write: No space left on device").exitStatus == 74)
    }

    @Test("a file's permission bits are kept when it is replaced")
    func keepsMode() throws {
        let directory = try folder()
        let path = directory + "/out.csv"
        try OutputFile.write("old\n", to: path)
        #expect(chmod(path, 0o604) == 0)
        try OutputFile.write("new\n", to: path)
        var status = stat()
        stat(path, &status)
        #expect(status.st_mode & 0o7777 == 0o604)
    }

    /// Whether files in `directory` take direct writes (tmpfs and some network file systems
    /// do not; the output is then written through the page cache).
    func takesDirectWrites(_ directory: String) -> Bool {
        let probe = directory + "/probe"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        defer {
            close(descriptor)
            unlink(probe)
        }
        return descriptor >= 0 && SystemIO.DirectWriter(descriptor: descriptor, offset: 0) != nil
    }

    /// The first offset where two byte strings differ (one ending first counts), or `nil`:
    /// a message of one number where comparing the arrays would print megabytes.
    func firstDifference(_ first: [UInt8], _ second: [UInt8]) -> Int? {
        for index in 0..<Swift.min(first.count, second.count) where first[index] != second[index] { return index }
        return first.count == second.count ? nil : Swift.min(first.count, second.count)
    }

    @Test(
        "past directFrom the bytes go straight to the disk: the same bytes in the same order, whatever the pieces, flushes and alignment",
        arguments: [0, 1, 4_095, 4_097, 300_000])
    func directWrites(from threshold: Int) throws {
        let directory = try folder()
        let path = directory + "/out.csv"
        var generator = SeededRandom(seed: UInt64(threshold) &+ 7)
        var expected: [UInt8] = []
        let file = try OutputFile(path: path)
        file.directFrom = threshold
        // Pieces around the buffer (1 MiB), the direct block (4 MiB) and the alignment (4 KiB).
        let sizes = [1, 7, 4_095, 4_096, 4_097, 65_537, (1 << 20) - 3, 1 << 20, (3 << 20) + 5, (4 << 20) + 1, 5 << 20]
        for step in 0..<60 {
            let size = sizes[Int(generator.next() % UInt64(sizes.count))]
            let piece = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ step &* 7 &+ 1) }
            if step % 5 == 3 {
                let text = "line \(step),\u{4E2D}\n"
                file.write(text)
                expected += Array(text.utf8)
            }
            file.write(piece)
            expected += piece
            if step % 11 == 10 { try file.flush() }
        }
        #expect(file.writesDirect == takesDirectWrites(directory))
        try file.commit()
        let written = try #require(FileManager.default.contents(atPath: path))
        #expect(written.count == expected.count)
        #expect(firstDifference(Array(written), expected) == nil)
        #expect(try entries(directory) == ["out.csv"])
    }

    @Test("a direct writer starting at an unaligned offset writes the head through the page cache")
    func directFromUnalignedOffset() throws {
        let directory = try folder()
        let path = directory + "/raw.bin"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        try #require(descriptor >= 0)
        let head = [UInt8](repeating: 9, count: 1_234)
        #expect(SystemIO.writeAll(descriptor, head) == 0)
        guard let writer = SystemIO.DirectWriter(descriptor: descriptor, offset: head.count) else {
            close(descriptor)
            return  // this file system writes through the page cache only: nothing to check here
        }
        let body = (0..<(9 << 20)).map { UInt8(truncatingIfNeeded: $0 % 253) }
        #expect(writer.write(body[0..<5]) == 0)
        #expect(writer.write(body[5..<(6 << 20)]) == 0)
        #expect(writer.write(body[(6 << 20)...]) == 0)
        #expect(writer.finish() == 0)
        #expect(close(descriptor) == 0)
        let written = try #require(FileManager.default.contents(atPath: path))
        #expect(written.count == head.count + body.count)
        #expect(firstDifference(Array(written), head + body) == nil)
    }
}
