import Foundation
import LinearAlgebra
import ScoringEngine
import Yams

/// Reads a pipeline file (YAML, schema `kam.pipeline/1`; see ``PipelineFileWriter``) into a
/// ``PipelineModel``, checking every key and value.
///
/// Errors name the file and line and say what to write (`ModelFileError`). Probabilities
/// may be edited by hand: each stage's must sum to 1 (within 0.002, then rescaled); a
/// target left out is 0. Counts are kept only while they still agree with the
/// probabilities (to the 6 decimals written); after an edit they are dropped.
public struct PipelineFileReader: YAMLFileReader {
    public static let format = YAMLFileFormat(kind: "pipeline", option: "--pipeline") {
        root, file throws(ModelFileError) in try PipelineFileParser(parser: ModelFileParser(file: file)).model(from: root)
    }

    public init() {}
}

/// Walks the YAML tree of a pipeline file.
struct PipelineFileParser {
    let parser: ModelFileParser

    func model(from root: Node) throws(ModelFileError) -> PipelineModel {
        let top = try parser.mapping(
            root, "the pipeline file",
            allowed: ["schema", "period", "confidence_level", "history", "transitions", "conversion"])
        let schemaNode = try parser.required(top, "schema", in: "the pipeline file", at: root)
        let schema = try parser.string(schemaNode, "schema")
        guard schema == PipelineFileWriter.schema else {
            throw parser.fail(
                schemaNode, "schema is '\(schema)'; this kam reads '\(PipelineFileWriter.schema)'. Refit with `kam pipeline fit`.")
        }
        let period = try parser.choice(
            try parser.required(top, "period", in: "the pipeline file", at: root), "period", PeriodLength.self)
        var level = 0.95
        if let node = top["confidence_level"] {
            level = try parser.number(node, "confidence_level")
            guard ConfidenceInterval.supportedLevels.contains(level) else {
                throw parser.fail(node, "confidence_level is \(level); use 0.8, 0.9, 0.95 or 0.99.")
            }
        }
        let history = try top["history"].map { (node: Node) throws(ModelFileError) in try self.history(node) }
        let transitionsNode = try parser.required(top, "transitions", in: "the pipeline file", at: root)
        let transitions = try self.transitions(transitionsNode, period: period, level: level)
        let conversion = try top["conversion"].map { (node: Node) throws(ModelFileError) in try self.conversion(node) }
        return PipelineModel(transitions: transitions, history: history, conversion: conversion)
    }

    func integer(_ node: Node, _ what: String) throws(ModelFileError) -> Int {
        let value = try parser.number(node, what)
        guard value >= 0, value == value.rounded(), value < 1e15 else {
            throw parser.fail(node, "\(what) is \(value); it must be a whole number of at least 0.")
        }
        return Int(value)
    }

    func date(_ node: Node, _ what: String) throws(ModelFileError) -> CalendarDate {
        let text = try parser.string(node, what)
        guard let date = CalendarDate(text: text) else {
            throw parser.fail(node, "\(what) is '\(text)'; write a date as YYYY-MM-DD.")
        }
        return date
    }

    func history(_ node: Node) throws(ModelFileError) -> PipelineModel.HistorySummary {
        let keys = ["events", "first_date", "observed_until", "accounts", "won", "lost", "censored"]
        let map = try parser.mapping(node, "history", allowed: keys)
        func need(_ key: String) throws(ModelFileError) -> Node { try parser.required(map, key, in: "history", at: node) }
        return PipelineModel.HistorySummary(
            source: try parser.string(need("events"), "history.events"),
            firstDate: try date(need("first_date"), "history.first_date"),
            observedUntil: try date(need("observed_until"), "history.observed_until"),
            accounts: try integer(need("accounts"), "history.accounts"), won: try integer(need("won"), "history.won"),
            lost: try integer(need("lost"), "history.lost"), censored: try integer(need("censored"), "history.censored"))
    }

    func transitions(_ node: Node, period: PeriodLength, level: Double) throws(ModelFileError) -> TransitionTable {
        let stageKeys = (1...PipelineState.stageCount).map { PipelineState.stage($0).key }
        let targetKeys = PipelineState.all.map(\.key)
        let map = try parser.mapping(node, "transitions", allowed: stageKeys)
        var probabilities = Matrix(rows: PipelineState.stageCount, columns: PipelineState.count)
        var counts: [[Int]]? = [[Int]](repeating: [Int](repeating: 0, count: PipelineState.count), count: PipelineState.stageCount)
        for (row, key) in stageKeys.enumerated() {
            guard let rowNode = map[key] else {
                throw parser.fail(node, "transitions needs '\(key)': every stage 1…5 needs its row of probabilities.")
            }
            let entries = try parser.mapping(rowNode, "transitions.\(key)", allowed: targetKeys)
            var sum = 0.0
            for (column, target) in targetKeys.enumerated() {
                guard let entry = entries[target] else {
                    counts = nil
                    continue
                }
                let what = "transitions.\(key).\(target)"
                var probability: Double
                if entry.scalar != nil {
                    probability = try parser.number(entry, what)
                    counts = nil
                } else {
                    let fields = try parser.mapping(entry, what, allowed: ["probability", "count", "interval"])
                    probability = try parser.number(
                        try parser.required(fields, "probability", in: what, at: entry), "\(what).probability")
                    if let countNode = fields["count"] {
                        counts?[row][column] = try integer(countNode, "\(what).count")
                    } else {
                        counts = nil
                    }
                }
                guard probability >= 0, probability <= 1 else {
                    throw parser.fail(entry, "\(what) is \(probability); a probability is between 0 and 1.")
                }
                probabilities[row, column] = probability
                sum += probability
            }
            guard abs(sum - 1) <= TransitionTable.rowSumTolerance else {
                throw parser.fail(
                    rowNode,
                    "the probabilities of \(key) sum to \(PipelineFileWriter.number(sum, digits: 6)); they must sum to 1 "
                        + "(staying in the stage included). Adjust \(key)'s entries.")
            }
        }
        // Counts that no longer match the probabilities (a hand edit) are dropped.
        if let known = counts {
            for row in 0..<PipelineState.stageCount {
                let total = known[row].reduce(0, +)
                let agrees =
                    total > 0
                    && (0..<PipelineState.count).allSatisfy { column in
                        abs(Double(known[row][column]) / Double(total) - probabilities[row, column]) <= 5e-6
                    }
                if !agrees { counts = nil }
            }
        }
        do {
            return try TransitionTable(period: period, probabilities: probabilities, counts: counts, confidenceLevel: level)
        } catch {
            throw parser.fail(node, error.description)
        }
    }

    func coefficient(_ node: Node, _ what: String) throws(ModelFileError) -> ConversionModel.Coefficient {
        let map = try parser.mapping(node, what, allowed: ["estimate", "standard_error"])
        let estimate = try parser.number(try parser.required(map, "estimate", in: what, at: node), "\(what).estimate")
        let error =
            try map["standard_error"].map { (node: Node) throws(ModelFileError) in
                try parser.number(node, "\(what).standard_error")
            } ?? 0
        return .init(estimate: estimate, standardError: error)
    }

    func conversion(_ node: Node) throws(ModelFileError) -> ConversionModel {
        let map = try parser.mapping(
            node, "conversion",
            allowed: ["scoring_model", "intercept", "value", "difficulty", "fitted_on", "factor_statistics"])
        func need(_ key: String) throws(ModelFileError) -> Node { try parser.required(map, key, in: "conversion", at: node) }
        var summary: ConversionModel.FitSummary?
        if let fitted = map["fitted_on"] {
            let keys = ["snapshots", "used", "won", "insufficient_information", "unresolved", "uninformative"]
            let fields = try parser.mapping(fitted, "conversion.fitted_on", allowed: keys)
            func count(_ key: String) throws(ModelFileError) -> Int {
                try fields[key].map { (node: Node) throws(ModelFileError) in try integer(node, "conversion.fitted_on.\(key)") } ?? 0
            }
            summary = .init(
                source: try fields["snapshots"].map { (node: Node) throws(ModelFileError) in try parser.string(node, "snapshots") } ?? "",
                used: try count("used"), won: try count("won"), insufficientInformation: try count("insufficient_information"),
                unresolved: try count("unresolved"), uninformative: try count("uninformative"))
        }
        var statistics: [String: ConversionModel.FactorStatistics] = [:]
        if let statisticsNode = map["factor_statistics"] {
            guard let entries = statisticsNode.mapping else {
                throw parser.fail(statisticsNode, "conversion.factor_statistics must map factor ids to statistics.")
            }
            for (key, value) in entries {
                let id = key.string ?? ""
                let what = "conversion.factor_statistics.\(id)"
                let fields = try parser.mapping(
                    value, what, allowed: ["minimum", "maximum", "mean", "standard_deviation", "mean_utility"])
                func stat(_ name: String) throws(ModelFileError) -> Double {
                    guard let field = fields[name] else { return .nan }
                    let text = try parser.string(field, "\(what).\(name)")
                    if text == ".nan" || text.lowercased() == "nan" { return .nan }
                    return try parser.number(field, "\(what).\(name)")
                }
                statistics[id] = .init(
                    minimum: try stat("minimum"), maximum: try stat("maximum"), mean: try stat("mean"),
                    standardDeviation: try stat("standard_deviation"), meanUtility: try stat("mean_utility"))
            }
        }
        return ConversionModel(
            scoringModel: try parser.string(need("scoring_model"), "conversion.scoring_model"),
            intercept: try coefficient(need("intercept"), "conversion.intercept"),
            value: try coefficient(need("value"), "conversion.value"),
            difficulty: try coefficient(need("difficulty"), "conversion.difficulty"),
            factorStatistics: statistics, fitSummary: summary)
    }
}
