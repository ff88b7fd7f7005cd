import Foundation
import ScoringTestSupport

/// Runs the built `kam` executable as a user would and captures what it prints.
struct KamRunner {
    struct Outcome {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// The `kam` binary beside the test bundle (SwiftPM builds it for the KamTests target).
    static let executable: URL = {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("kam")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: Paths.packageRoot + "/.build/debug/kam")
    }()

    /// Runs `kam` with `arguments` in the package root (so `models/default.yaml` is found),
    /// with `input` on its standard input when given.
    static func run(
        _ arguments: [String], in directory: String = Paths.packageRoot, input: Data? = nil,
        environment: [String: String] = [:]
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        // Tables are 100 columns wide unless COLUMNS says otherwise: a test says so itself.
        var childEnvironment = ProcessInfo.processInfo.environment
        childEnvironment["COLUMNS"] = nil
        process.environment = childEnvironment.merging(environment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let inputPipe = input.map { _ in Pipe() }
        if let inputPipe { process.standardInput = inputPipe }
        try process.run()
        if let input, let inputPipe {
            let writer = Thread {
                inputPipe.fileHandleForWriting.write(input)
                try? inputPipe.fileHandleForWriting.close()
            }
            writer.start()
        }
        // Read both pipes to the end before waiting, so a large report cannot block the child.
        let errorData = LockedData()
        let errorReader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { Thread.sleep(forTimeInterval: 0.001) }
        return Outcome(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData.value, as: UTF8.self))
    }

    /// Runs `/bin/sh -c command` with `arguments` as `$0`, `$1`, … in `directory` (for
    /// `ulimit` and redirections), capturing what it prints.
    static func runShell(_ command: String, arguments: [String], in directory: String) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let captured = try capture(process)
        return Outcome(
            status: captured.status, standardOutput: String(decoding: captured.output, as: UTF8.self),
            standardError: String(decoding: captured.error, as: UTF8.self))
    }

    /// Runs `process` (its executable, arguments and folder set) and returns its exit
    /// status and what it wrote to standard output and standard error, as bytes.
    static func capture(_ process: Process) throws -> (status: Int32, output: Data, error: Data) {
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        let errorData = LockedData()
        let errorReader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { Thread.sleep(forTimeInterval: 0.001) }
        return (process.terminationStatus, outputData, errorData.value)
    }

    /// A scratch folder for files a test writes.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "kam-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false

    func set(_ value: Data) {
        lock.lock()
        data = value
        done = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return done
    }

    var value: Data {
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}
