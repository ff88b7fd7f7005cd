import Foundation
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
}
