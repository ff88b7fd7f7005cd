import Foundation
import RunHistory
import ScoringTestSupport
import Testing

/// `kam report` of the ranking alone streams the list in one pass (as `kam rank` does) and
/// gathers the whole list's counts, deal values, grade cells and density bins as the rows go
/// by; the page must be the one the in-memory path (`--in-memory`, the whole list assessed
/// at once) makes, byte for byte but the time of the run.
@Suite("kam report: the streamed page equals the in-memory one", .serialized)
struct StreamedReportTests {
    /// A scratch folder with a generated list (`kam generate`) of `rows` rows.
    func generated(rows: Int, seed: Int = 3) throws -> (directory: String, list: String) {
        let directory = try KamRunner.temporaryDirectory()
        let list = directory + "/list.csv"
        let outcome = try KamRunner.run(
            ["generate", "--rows", String(rows), "--seed", String(seed), "--output", list], in: directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return (directory, list)
    }

    /// The page of `kam report` with `arguments`, streamed and in memory, without the line
    /// that says when it was made.
    func pages(_ arguments: [String], in directory: String) throws -> (streamed: String, inMemory: String) {
        func page(_ extra: [String], _ name: String) throws -> String {
            let path = directory + "/" + name
            let outcome = try KamRunner.run(
                ["report"] + arguments + extra + ["-o", path, "--rejects", path + ".rejects.csv", "--quiet"], in: directory)
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let html = try String(contentsOfFile: path, encoding: .utf8)
            let time = try NSRegularExpression(pattern: "<td>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z</td>")
            #expect(time.numberOfMatches(in: html, range: NSRange(html.startIndex..., in: html)) == 1)
            return time.stringByReplacingMatches(
                in: html, range: NSRange(html.startIndex..., in: html), withTemplate: "<td>(time)</td>")
        }
        return (try page([], "streamed.html"), try page(["--in-memory"], "in-memory.html"))
    }

    func expectSame(_ pages: (streamed: String, inMemory: String), mode: String) {
        #expect(pages.streamed.contains("data-mode=\"\(mode)\""))
        if pages.streamed != pages.inMemory {
            // Name the first difference rather than print two large pages.
            let streamed = pages.streamed.split(separator: "\n", omittingEmptySubsequences: false)
            let inMemory = pages.inMemory.split(separator: "\n", omittingEmptySubsequences: false)
            let line =
                zip(streamed, inMemory).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(streamed.count, inMemory.count)
            let shown = { (lines: [Substring]) in line < lines.count ? String(lines[line].prefix(600)) : "(end)" }
            Issue.record("line \(line + 1) differs:\n streamed: \(shown(streamed))\n in memory: \(shown(inMemory))")
        }
    }

    @Test("20,000 generated rows: density map, grade counts, deal values, top 200 (and under another scenario)")
    func density() throws {
        let (directory, list) = try generated(rows: 20_000)
        expectSame(try pages([list], in: directory), mode: "density")
        expectSame(try pages([list, "--scenario", "growth", "--top", "35", "--lang", "zh"], in: directory), mode: "density")
    }

    @Test("1,500 generated rows: one dot per account (every account read again), top 50")
    func dots() throws {
        let (directory, list) = try generated(rows: 1_500, seed: 5)
        expectSame(try pages([list, "--top", "50"], in: directory), mode: "dots")
        // At the threshold exactly: still dots; one account fewer allowed: density.
        let accepted = try #require(acceptedCount(in: try pages([list], in: directory).streamed))
        expectSame(try pages([list, "--density-above", String(accepted)], in: directory), mode: "dots")
        expectSame(try pages([list, "--density-above", String(accepted - 1)], in: directory), mode: "density")
    }

    @Test("a batch-relative (minmax) scale: statistics from a first pass, raw values kept and scored")
    func batchRelative() throws {
        let (directory, list) = try generated(rows: 20_000, seed: 9)
        let model = try String(contentsOfFile: Paths.packageRoot + "/models/default.yaml", encoding: .utf8)
        let relative = model.replacingOccurrences(of: "scale: {type: linear, min: 0, max: 60}", with: "scale: {type: minmax}")
        #expect(relative != model)
        let path = directory + "/relative.yaml"
        try relative.write(toFile: path, atomically: true, encoding: .utf8)
        let pages = try pages([list, "-m", path], in: directory)
        expectSame(pages, mode: "density")
        #expect(pages.streamed.contains("Batch-relative factors"))
    }

    @Test("the content hash, taken from the blocks the ranking reads, is the file's: UTF-8, with a byte-order mark, GB18030")
    func contentHash() throws {
        let (directory, list) = try generated(rows: 20_000, seed: 4)
        let marked = directory + "/marked.csv"
        try (Data([0xEF, 0xBB, 0xBF]) + Data(contentsOf: URL(fileURLWithPath: list))).write(to: URL(fileURLWithPath: marked))
        let chinese = directory + "/gb18030.csv"
        let converted = try KamRunner.runShell(
            "iconv -f UTF-8 -t GB18030 \"$1\" > \"$2\"",
            arguments: ["sh", Paths.packageRoot + "/datasets/prospects.csv", chinese], in: directory)
        #expect(converted.status == 0, "\(converted.standardError)")
        for (path, mode) in [(list, "density"), (marked, "density"), (chinese, "dots")] {
            let pages = try pages([path], in: directory)
            expectSame(pages, mode: mode)
            let hash = try #require(ContentHash.ofFile(atPath: path))
            #expect(pages.streamed.contains("<code>\(hash)</code>"), "\(path)")
        }
    }

    func acceptedCount(in page: String) -> Int? {
        guard let range = page.range(of: "data-figure=\"accepted\" data-v=\"") else { return nil }
        return Int(page[range.upperBound...].prefix { $0.isNumber })
    }
}
