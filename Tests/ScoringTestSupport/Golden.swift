import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Golden files: outputs recorded once and compared byte for byte on every run.
///
/// One mechanism for every golden test in the package: a test builds the bytes it wants to
/// pin and calls ``compare(_:toFile:)`` (small outputs, kept whole so a diff shows what
/// changed) or ``compare(sums:toManifest:)`` (large outputs, kept as SHA-256 sums in a
/// `sha256sum`-style manifest). Both return `nil` when the output matches, or a message
/// that names the file, the first differing line and how to see the whole difference.
///
/// With `KAM_UPDATE_GOLDEN=1` in the environment they write the output as the new golden
/// file instead and return `nil`: re-record with
/// `KAM_UPDATE_GOLDEN=1 swift test --filter SuiteName`, then read `git diff` before
/// committing — every changed line must be one the change meant to make.
///
/// Parts of an output that differ from run to run (temporary paths, timestamps) must be
/// normalised by the test before comparing, explicitly, with ``replacing(_:with:in:)``.
public enum Golden {
    /// Whether this run re-records golden files (`KAM_UPDATE_GOLDEN=1`).
    public static var updating: Bool {
        guard let value = getenv("KAM_UPDATE_GOLDEN") else { return false }
        return String(cString: value) == "1"
    }

    /// Compares `actual` with the golden file at `path`, byte for byte.
    ///
    /// - Returns: `nil` when equal (or when re-recording); otherwise a message naming the
    ///   first differing line, with the actual output saved beside a temporary path for
    ///   `diff -u`.
    public static func compare(_ actual: Data, toFile path: String) -> String? {
        if updating {
            let directory = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let expected = FileManager.default.contents(atPath: path)
            if expected != actual { FileManager.default.createFile(atPath: path, contents: actual) }
            return nil
        }
        guard let expected = FileManager.default.contents(atPath: path) else {
            return "no golden file \(relative(path)); record it with KAM_UPDATE_GOLDEN=1 and review it before committing."
        }
        if expected == actual { return nil }
        let saved = NSTemporaryDirectory() + "kam-golden-" + UUID().uuidString + "-" + (path as NSString).lastPathComponent
        FileManager.default.createFile(atPath: saved, contents: actual)
        return """
            \(relative(path)) differs from the output (\(expected.count) bytes expected, \(actual.count) bytes written).
            \(firstDifference(expected: expected, actual: actual))
            The whole difference: diff -u \(path) \(saved)
            If the change is intended, re-record with KAM_UPDATE_GOLDEN=1 and say in the commit which lines changed and why.
            """
    }

    /// Compares SHA-256 sums (name → hex sum) with a `sha256sum`-style manifest
    /// (`SUM  NAME.out` lines), for outputs too large to keep whole.
    ///
    /// - Returns: `nil` when every name in `sums` has its manifest sum (or when
    ///   re-recording, which rewrites the manifest with these sums merged in); otherwise one
    ///   line per differing or missing name.
    public static func compare(sums: [String: String], toManifest path: String) -> String? {
        var manifest = readManifest(path)
        if updating {
            for (name, sum) in sums { manifest[name] = sum }
            let text = manifest.keys.sorted().map { "\(manifest[$0]!)  \($0).out\n" }.joined()
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            return nil
        }
        var problems: [String] = []
        for name in sums.keys.sorted() {
            guard let expected = manifest[name] else {
                problems.append("\(name): no sum in \(relative(path)); record it with KAM_UPDATE_GOLDEN=1.")
                continue
            }
            if expected != sums[name] {
                problems.append("\(name): SHA-256 \(sums[name]!) differs from the golden \(expected) in \(relative(path)).")
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "\n")
    }

    /// The manifest's name → sum (names without their `.out`).
    public static func readManifest(_ path: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var sums: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2 else { continue }
            sums[String(parts[1]).replacingOccurrences(of: ".out", with: "")] = String(parts[0])
        }
        return sums
    }

    /// The SHA-256 of the file at `path`, in hex (through `sha256sum`).
    public static func sha256(ofFile path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    /// `data` with every occurrence of `text` replaced by `placeholder` (for the parts of
    /// an output that differ from run to run: a temporary folder, a time).
    public static func replacing(_ text: String, with placeholder: String, in data: Data) -> Data {
        guard !text.isEmpty else { return data }
        let needle = Array(text.utf8)
        let bytes = Array(data)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == needle[0], index + needle.count <= bytes.count,
                Array(bytes[index..<(index + needle.count)]) == needle
            {
                result.append(contentsOf: placeholder.utf8)
                index += needle.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return Data(result)
    }

    /// The first line where two outputs differ, with the line before it, as text.
    static func firstDifference(expected: Data, actual: Data) -> String {
        let expectedLines = expected.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let count = min(expectedLines.count, actualLines.count)
        var line = 0
        while line < count, expectedLines[line] == actualLines[line] { line += 1 }
        func shown(_ lines: [Data.SubSequence], _ index: Int) -> String {
            index < lines.count ? String(decoding: lines[index], as: UTF8.self).debugDescription : "(end of output)"
        }
        var text = "First difference at line \(line + 1):\n"
        if line > 0 { text += "  same     \(shown(expectedLines, line - 1))\n" }
        text += "  expected \(shown(expectedLines, line))\n"
        text += "  actual   \(shown(actualLines, line))"
        return text
    }

    /// `path` relative to the package root, for messages.
    static func relative(_ path: String) -> String {
        path.hasPrefix(Paths.packageRoot + "/") ? String(path.dropFirst(Paths.packageRoot.count + 1)) : path
    }
}
