import ArgumentParser
import Foundation
import ScoringEngine
import ScoringIO

extension Kam {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draft a commented model file for a list kam has never seen.",
            discussion: """
                Reads FILE and writes a model with one factor per usable column: numeric columns \
                get a linear scale over their 1st–99th percentile (in the unit their cells carry, \
                such as 45万 or 35%), columns with at most 50 labels a categorical map; ids, names, \
                stages and deal values are found by name and content; constant, near-unique and \
                free-text columns are left out with their reason. With an outcome column (--outcome, \
                or one named outcome/y/result whose cells are won/lost words), directions, sides \
                and category utilities follow the win rates, and a column that predicts the outcome \
                on its own with AUC ≥ 0.90, or whose name says it is written afterwards (status, \
                result, follow-up, duration), is flagged as a likely leak and left out. Every guess \
                is marked CONFIRM in the file. Then: kam model fit FILE --model OUT.
                """)

        @OptionGroup var input: InputOptions

        @Option(help: "The won/lost column (default: found by name and content).")
        var outcome: String?

        @Option(name: .shortAndLong, help: "Where to write the model (default: <file name>.init.yaml in the current folder).")
        var output: String?

        @Option(help: "The model's name (default: the file's name).")
        var name: String?

        @Option(help: "The language of the summary: en or zh (the drafted file's comments stay English).")
        var lang: Language = .en

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        func run() throws {
            try runReportingErrors {
                guard FileManager.default.fileExists(atPath: input.file) else {
                    throw CLIError.inputMissing("\(input.file): no such file.")
                }
                let table: CSVTable
                // Every problem reading the list is 65 here, an unreadable one too (not 66 as
                // elsewhere); kept as it was while the golden files pin the behaviour.
                do throws(DatasetError) { table = try CSVReader(options: input.csvOptions).read(contentsOf: input.file) } catch {
                    throw CLIError.initList(error)
                }
                let base = URL(fileURLWithPath: input.file).deletingPathExtension().lastPathComponent
                let modelName = name ?? String(base.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
                let draft: ModelDraft
                draft = try ModelDraft(table: table, outcomeColumn: outcome, name: modelName)
                let yaml = draft.yaml()
                // The draft must read back as a model: a bug otherwise, not the user's data.
                do { _ = try ModelFileReader().read(yaml: yaml, file: "(draft)") } catch {
                    printError("kam: internal error: the drafted model does not read back: \(error). Please report this.")
                    throw ExitCode(70)
                }
                let path = output ?? base + ".init.yaml"
                try FileSink.write(yaml, to: path, format: .csv, protecting: protectedInputs(list: input.file))
                if !quiet {
                    let factors = draft.columns.filter { if case .factor = $0.role { return true } else { return false } }.count
                    let leaks = draft.columns.filter { if case .likelyLeak = $0.role { return true } else { return false } }.count
                    let leftOut = draft.columns.filter { if case .leftOut = $0.role { return true } else { return false } }.count
                    if lang == .zh {
                        printError(
                            "已写出 \(path)：\(factors) 个因素，\(leaks) 个疑似泄漏列，\(leftOut) 列未用"
                                + (draft.outcomeColumn.map { "，结果列 '\($0)'" } ?? "，没有结果列")
                                + "。请阅读标有 CONFIRM 的行"
                                + (draft.outcomeColumn != nil ? "，然后运行：kam model fit \(input.file) --model \(path)" : "") + "。")
                        return
                    }
                    printError(
                        "Wrote \(path): \(factors) factors, \(leaks) likely leak\(leaks == 1 ? "" : "s") and \(leftOut) column\(leftOut == 1 ? "" : "s") left out"
                            + (draft.outcomeColumn.map { ", outcome '\($0)'" } ?? ", no outcome column")
                            + ". Read the lines marked CONFIRM"
                            + (draft.outcomeColumn != nil ? ", then: kam model fit \(input.file) --model \(path)" : "") + ".")
                }
            }
        }
    }
}
