import Foundation
import ScoringTestSupport
import Testing

/// `kam rank` streams regular files in bounded memory; `--in-memory` (hidden) reads the
/// whole list first, as the engine foundation did. Both must print the same bytes.
@Suite("kam rank: streaming and in-memory output are byte-identical", .serialized)
struct RankStreamingTests {
    /// A generated list whose names are sometimes quoted over several lines (so that small
    /// blocks are cut inside quoted fields), with duplicates, blank lines and CRLF rows.
    static func difficultList(in directory: String, rows: Int, seed: Int) throws -> String {
        let plain = directory + "/plain.csv"
        let generated = try KamRunner.run([
            "generate", "--rows", String(rows), "--seed", String(seed), "--bad-rows", String(rows / 30),
            "--blank-rate", "0.05", "--output", plain,
        ])
        #expect(generated.status == 0)
        let lines = try String(contentsOfFile: plain, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var text = String(lines[0]) + "\n"
        for (index, line) in lines.dropFirst().enumerated() where !line.isEmpty {
            var fields = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            if fields.count == 3 {
                switch index % 9 {
                case 0: fields[1] = "\"\(fields[1])\nline two, with \"\"quotes\"\"\""
                case 3: fields[1] = "\"\(fields[1])\r\nsecond\rthird\""
                case 5: fields[0] = lines[max(index - 3, 1)].split(separator: ",")[0].description  // duplicate id
                default: break
                }
            }
            text += fields.joined(separator: ",") + (index % 7 == 0 ? "\r\n" : index % 11 == 0 ? "\n\n" : "\n")
        }
        let path = directory + "/list.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func run(_ arguments: [String], directory: String, name: String) throws -> (KamRunner.Outcome, String) {
        let rejects = directory + "/\(name).rejects.csv"
        let outcome = try KamRunner.run(["rank"] + arguments + ["--rejects", rejects])
        let written = (try? String(contentsOfFile: rejects, encoding: .utf8)) ?? ""
        return (outcome, written)
    }

    @Test("All formats, languages, grade filters and scenarios, with blocks cut inside quoted fields")
    func identical() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = try Self.difficultList(in: directory, rows: 1500, seed: 5)
        let variants: [[String]] = [
            ["--format", "table"], ["--format", "markdown", "--lang", "zh", "--top", "40"],
            ["--format", "csv"], ["--format", "json", "--top", "25"], ["--format", "csv", "--grade", "B,C"],
            ["--format", "json", "--scenario", "growth", "--top", "60"], ["--format", "csv", "--grade", "D", "--top", "7"],
        ]
        for (number, variant) in variants.enumerated() {
            let (memory, memoryRejects) = try run(
                [list, "--in-memory"] + variant, directory: directory, name: "memory\(number)")
            #expect(memory.status == 0)
            for block in ["100", "4096"] {
                let (streamed, streamedRejects) = try run(
                    [list, "--block-size", block, "--workers", "2"] + variant, directory: directory, name: "stream\(number)")
                #expect(streamed.status == 0)
                // (The summary names each run's own rejects file.)
                #expect(
                    streamed.standardOutput.replacingOccurrences(of: "stream\(number)", with: "memory\(number)")
                        == memory.standardOutput, "\(variant), block \(block)")
                #expect(
                    streamed.standardError.replacingOccurrences(of: "stream\(number)", with: "memory\(number)")
                        == memory.standardError, "\(variant), block \(block)")
                #expect(streamedRejects == memoryRejects, "\(variant), block \(block)")
                #expect(!streamedRejects.isEmpty)
            }
        }
    }

    @Test("A ranking of every row larger than --memory is sorted in runs on disk and prints the same bytes")
    func spilledRanking() throws {
        let directory = try KamRunner.temporaryDirectory()
        // More rows than a page (8192), so that csv and json are written in several pages.
        let list = try Self.difficultList(in: directory, rows: 10_000, seed: 12)
        let variants: [[String]] = [
            ["--format", "csv"], ["--format", "json", "--lang", "zh"], ["--format", "csv", "--grade", "B,C"],
            ["--format", "json", "--top", "8300"], ["--format", "table", "--top", "30"],
        ]
        for (number, variant) in variants.enumerated() {
            let (memory, memoryRejects) = try run(
                [list, "--in-memory"] + variant, directory: directory, name: "memory\(number)")
            #expect(memory.status == 0)
            let (streamed, streamedRejects) = try run(
                [list, "--memory-rows", "500"] + variant, directory: directory, name: "stream\(number)")
            #expect(streamed.status == 0)
            #expect(
                streamed.standardOutput.replacingOccurrences(of: "stream\(number)", with: "memory\(number)")
                    == memory.standardOutput, "\(variant)")
            #expect(
                streamed.standardError.replacingOccurrences(of: "stream\(number)", with: "memory\(number)")
                    == memory.standardError, "\(variant)")
            #expect(streamedRejects == memoryRejects, "\(variant)")
        }
        let memory = try KamRunner.run(["rank", "datasets/prospects.csv", "--memory", "0"])
        #expect(memory.status == 64)
        #expect(memory.standardError.contains("Please specify a '--memory' of at least 1 (MiB)."))
    }

    @Test("Pages mapped, assessed and formatted on two threads print the same bytes as one page in memory")
    func pagesSideBySide() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = try Self.difficultList(in: directory, rows: 1500, seed: 21)
        // The calibrated model puts P(won) in every row and the expected wins (summed page by
        // page, in page order) on standard error.
        let calibrated = "Tests/KamTests/Snapshots/rank-writer/calibrated.yaml"
        let variants: [[String]] = [
            ["--format", "csv", "--model", calibrated], ["--format", "json", "--lang", "zh", "--model", calibrated],
            ["--format", "csv", "--excel", "--scenario", "growth"], ["--format", "json", "--grade", "A,D"],
            ["--format", "csv", "--columns", "account_id,grade,value", "--model", calibrated],
            ["--format", "csv", "--memory-rows", "40", "--model", calibrated],
        ]
        for (number, variant) in variants.enumerated() {
            let (memory, memoryRejects) = try run(
                [list, "--in-memory"] + variant, directory: directory, name: "memory\(number)")
            #expect(memory.status == 0)
            // One row a page, a few rows, and more rows than the list.
            for pageRows in ["1", "7", "5000"] {
                let (streamed, streamedRejects) = try run(
                    [list, "--page-rows", pageRows] + variant, directory: directory, name: "paged\(number)")
                #expect(streamed.status == 0)
                #expect(streamed.standardOutput == memory.standardOutput, "\(variant), pages of \(pageRows)")
                #expect(
                    streamed.standardError.replacingOccurrences(of: "paged\(number)", with: "memory\(number)")
                        == memory.standardError, "\(variant), pages of \(pageRows)")
                #expect(streamedRejects == memoryRejects, "\(variant), pages of \(pageRows)")
            }
        }
    }

    @Test("CR-only and CRLF line endings stream as they read in memory")
    func lineEndings() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = try Self.difficultList(in: directory, rows: 400, seed: 8)
        let text = try String(contentsOfFile: list, encoding: .utf8)
        for (name, ending) in [("cr", "\r"), ("crlf", "\r\n")] {
            let path = directory + "/\(name).csv"
            // Every record end becomes `ending`; line breaks inside quoted names stay as written.
            var converted = ""
            var quoted = false
            for character in text.unicodeScalars {
                if character == "\"" { quoted.toggle() }
                if character == "\n" && !quoted {
                    converted += ending
                } else if character == "\r" && !quoted {
                    continue
                } else {
                    converted.unicodeScalars.append(character)
                }
            }
            try converted.write(toFile: path, atomically: true, encoding: .utf8)
            let (memory, memoryRejects) = try run([path, "--in-memory", "--format", "csv"], directory: directory, name: "m\(name)")
            let (streamed, streamedRejects) = try run(
                [path, "--block-size", "300", "--format", "csv"], directory: directory, name: "s\(name)")
            #expect(memory.status == 0 && streamed.status == 0)
            #expect(streamed.standardOutput == memory.standardOutput, "\(name)")
            #expect(streamedRejects == memoryRejects, "\(name)")
        }
    }

    @Test("A scenario the model lacks is a usage error after the list is read, as before")
    func unknownScenario() throws {
        let outcome = try KamRunner.run([
            "rank", "datasets/prospects.csv", "--scenario", "nope", "--rejects", try KamRunner.temporaryDirectory() + "/r.csv",
        ])
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains("Please specify a '--scenario' the model defines: base, growth, cautious."))
        let missing = try KamRunner.run(["rank", "no-such-file.csv", "--scenario", "nope"])
        #expect(missing.status == 66)
    }

    @Test("Hidden tuning options are checked")
    func tuningOptions() throws {
        let blocks = try KamRunner.run(["rank", "datasets/prospects.csv", "--block-size", "8"])
        #expect(blocks.status == 64)
        #expect(blocks.standardError.contains("Please specify a '--block-size' of at least 16."))
        let workers = try KamRunner.run(["rank", "datasets/prospects.csv", "--workers", "0"])
        #expect(workers.status == 64)
        let pages = try KamRunner.run(["rank", "datasets/prospects.csv", "--format", "csv", "--page-rows", "0"])
        #expect(pages.status == 64)
        #expect(pages.standardError.contains("Please specify '--page-rows' of at least 1."))
    }
}
