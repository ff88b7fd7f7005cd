import Foundation
import ScoringTestSupport
import Testing

/// `kam` runs OpenBLAS on the calling thread and ends its server threads at start
/// (``BLASThreads/runCallsOnCallingThread(environment:)``): they spun for 0.1 s beside the
/// workers. A thread count in the environment is the user's choice and kept.
@Suite("kam ends OpenBLAS's server threads unless the environment sets a thread count")
struct BLASServerThreadsTests {
    /// The threads of `kam rank -` while it waits for its list on standard input.
    static func threadsWhileWaiting(environment: [String: String]) throws -> Int {
        let process = Process()
        process.executableURL = KamRunner.executable
        process.arguments = ["rank", "-", "--quiet"]
        process.currentDirectoryURL = URL(fileURLWithPath: Paths.packageRoot)
        var childEnvironment = ProcessInfo.processInfo.environment
        for name in ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"] { childEnvironment[name] = nil }
        process.environment = childEnvironment.merging(environment) { $1 }
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        // Until it waits in `read` (system call 0) on two looks 0.1 s apart: loaded, started,
        // and reading its standard input, however busy the machine is. (Where the kernel does
        // not show system calls, one second.)
        let syscall = "/proc/\(process.processIdentifier)/syscall"
        var waiting = 0
        for _ in 0..<300 where waiting < 2 {
            Thread.sleep(forTimeInterval: 0.1)
            guard let state = try? String(contentsOfFile: syscall, encoding: .utf8) else {
                Thread.sleep(forTimeInterval: 1)
                break
            }
            waiting = state.hasPrefix("0 ") ? waiting + 1 : 0
        }
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/task")
        return tasks.count
    }

    @Test("While kam waits for its input it runs one thread; with OPENBLAS_NUM_THREADS=2 OpenBLAS's server thread is there")
    func serverThreadsEnded() throws {
        try #require(FileManager.default.fileExists(atPath: "/proc/self/task"), "needs /proc")
        #expect(try Self.threadsWhileWaiting(environment: [:]) == 1)
        // Not vacuous: the count sees OpenBLAS's thread when the environment keeps it (on a
        // machine of two or more cores, where OpenBLAS starts one).
        if ProcessInfo.processInfo.activeProcessorCount >= 2 {
            #expect(try Self.threadsWhileWaiting(environment: ["OPENBLAS_NUM_THREADS": "2"]) == 2)
        }
    }
}
