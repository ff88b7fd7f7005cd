import Foundation

/// Shows long terminal output through `$PAGER` (else `less -FRX`), as git does: only when
/// standard output is a terminal, only when the text is taller than it, never with
/// `--no-pager` or `PAGER=cat`/empty `PAGER`.
enum Pager {
    /// The pager command to run for `text`, or `nil` to write it directly.
    static func command(for text: String, disabled: Bool) -> String? {
        guard !disabled, isatty(1) == 1 else { return nil }
        let environment = ProcessInfo.processInfo.environment
        let pager = environment["PAGER"] ?? (FileManager.default.isExecutableFile(atPath: "/usr/bin/less") ? "less -FRX" : "")
        guard !pager.trimmingCharacters(in: .whitespaces).isEmpty, pager != "cat" else { return nil }
        var size = winsize()
        let rows = ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_row > 0 ? Int(size.ws_row) : 24
        var lines = 0
        for byte in text.utf8 where byte == UInt8(ascii: "\n") {
            lines += 1
            if lines >= rows { return pager }
        }
        return nil
    }

    /// Runs `command` (through `/bin/sh -c`) with `text` on its standard input and waits for
    /// it; `false` when it could not be started (the caller then writes the text itself).
    static func show(_ text: String, with command: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        if environment["LESS"] == nil { environment["LESS"] = "FRX" }
        process.environment = environment
        let input = Pipe()
        process.standardInput = input
        do { try process.run() } catch { return false }
        // A pager quit before the end (q in less) closes the pipe: the rest is not wanted.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return true
    }
}
