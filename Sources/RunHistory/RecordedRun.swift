import Foundation
import ScoringEngine

/// A factor as a run used it: enough to say how two runs' models differ.
public struct FactorDetail: Sendable, Equatable {
    public let id: String
    /// `value` or `difficulty`.
    public let side: String
    /// The weight under the run's scenario (normalized per side: each side sums to 1).
    public let weight: Double
    /// The scale, direction and missing policy as canonical JSON (compared as text).
    public let scale: String

    public init(id: String, side: String, weight: Double, scale: String) {
        self.id = id
        self.side = side
        self.weight = weight
        self.scale = scale
    }
}

/// What is recorded about a run before its accounts: the model, the input and the counts.
public struct RunDescription: Sendable {
    public var recordedAt: Date
    public var kamVersion: String
    public var modelName: String
    /// The model file as given on the command line.
    public var modelFile: String
    /// ``ContentHash`` of the model's canonical JSON (so comments and layout do not count).
    public var modelHash: String
    /// The grading policy as canonical JSON.
    public var grading: String
    /// The scenario ranked by (`""`: the model's own weights).
    public var scenario: String
    /// The prospect list as given (`-` for standard input).
    public var inputFile: String
    /// ``ContentHash`` of its bytes (`""` when it could not be read again, e.g. a pipe).
    public var inputHash: String
    /// Records read (header excluded).
    public var rowsRead: Int
    /// The factors, in the order of the per-account utilities.
    public var factors: [FactorDetail]
    /// The segment ids of the model.
    public var segments: [String]

    public init(
        recordedAt: Date, kamVersion: String, modelName: String, modelFile: String, modelHash: String, grading: String,
        scenario: String, inputFile: String, inputHash: String, rowsRead: Int, factors: [FactorDetail],
        segments: [String]
    ) {
        self.recordedAt = recordedAt
        self.kamVersion = kamVersion
        self.modelName = modelName
        self.modelFile = modelFile
        self.modelHash = modelHash
        self.grading = grading
        self.scenario = scenario
        self.inputFile = inputFile
        self.inputHash = inputHash
        self.rowsRead = rowsRead
        self.factors = factors
        self.segments = segments
    }

    /// The description of ranking with `model` under scenario `scenario` (0: the model's own
    /// weights) of `scorer`: factor weights, scales, grading and the model's content hash.
    public init(
        model: ScoringModel, scorer: Scorer, scenario: Int, modelFile: String, inputFile: String, inputHash: String,
        rowsRead: Int, kamVersion: String, recordedAt: Date = Date()
    ) {
        let weights = scorer.scenarioWeights[scenario]
        let factors = model.factors.enumerated().map { index, factor in
            FactorDetail(
                id: factor.id, side: factor.side.rawValue, weight: weights[index],
                scale: Self.canonical(
                    FactorShape(
                        scale: factor.scale, direction: factor.direction, missing: factor.missing,
                        specialValues: factor.specialValues.isEmpty ? nil : factor.specialValues)))
        }
        self.init(
            recordedAt: recordedAt, kamVersion: kamVersion, modelName: model.name, modelFile: modelFile,
            modelHash: ContentHash.of(Self.canonical(model)), grading: Self.canonical(model.grading),
            scenario: scenario == 0 ? "" : scorer.scenarioNames[scenario], inputFile: inputFile, inputHash: inputHash,
            rowsRead: rowsRead, factors: factors, segments: model.segments.map(\.id))
    }

    private struct FactorShape: Encodable {
        let scale: Scale
        let direction: Factor.Direction
        let missing: MissingPolicy
        /// Only when the factor has some (so the text of other factors is as before).
        let specialValues: [SpecialValue]?
    }

    /// Sorted-key JSON, the same text for the same value.
    static func canonical(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A recorded run as `kam runs` lists it.
public struct RecordedRun: Sendable, Equatable {
    public let id: Int64
    /// ISO 8601, UTC, to the second.
    public let recordedAt: String
    public let kamVersion: String
    public let modelName: String
    public let modelFile: String
    public let modelHash: String
    public let scenario: String
    public let inputFile: String
    public let inputHash: String
    public let rowsRead: Int
    public let accepted: Int
    public let rejected: Int
    /// Accounts per grade, in ``Grade/allCases`` order (A, B, C, D, insufficient).
    public let gradeCounts: [Int]
    /// Factor ids in the order of the recorded utilities.
    public let factorIDs: [String]
    public let segmentIDs: [String]
    /// The grading policy (canonical JSON); `nil` for runs recorded by schema version 1.
    public let grading: String?
    /// Factor details; empty for runs recorded by schema version 1.
    public let factors: [FactorDetail]

    public func count(of grade: Grade) -> Int { gradeCounts[grade.order] }
}

/// One accepted account of a run.
public struct AccountScore: Sendable, Equatable {
    public var account: String
    public var name: String
    /// 1-based rank in the whole list.
    public var rank: Int
    public var grade: Grade
    public var value: Double
    public var difficulty: Double
    public var priority: Double
    /// 0...1.
    public var completeness: Double
    /// P(won), 0...1, when the model is calibrated.
    public var probability: Double?
    /// Segment ids.
    public var segments: [String]
    /// Ids of factors whose value was missing.
    public var missing: [String]
    /// Utility (0...1) of each factor, in the run's factor order.
    public var utilities: [Double]
    /// The development stage 1...5, when the list had one.
    public var stage: Int?

    public init(
        account: String, name: String = "", rank: Int, grade: Grade, value: Double, difficulty: Double,
        priority: Double, completeness: Double, probability: Double? = nil, segments: [String] = [],
        missing: [String] = [], utilities: [Double], stage: Int? = nil
    ) {
        self.account = account
        self.name = name
        self.rank = rank
        self.grade = grade
        self.value = value
        self.difficulty = difficulty
        self.priority = priority
        self.completeness = completeness
        self.probability = probability
        self.segments = segments
        self.missing = missing
        self.utilities = utilities
        self.stage = stage
    }
}

/// A rejected row of a run.
public struct RecordedReject: Sendable, Equatable {
    public let line: Int
    public let column: String?
    /// The machine-readable reason (`not_a_number`, `duplicate_id`, …).
    public let code: String
    public let message: String

    public init(line: Int, column: String?, code: String, message: String) {
        self.line = line
        self.column = column
        self.code = code
        self.message = message
    }
}
