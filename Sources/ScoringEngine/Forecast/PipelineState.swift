import Foundation

/// Where an account is in the development pipeline: one of the five stages of DOMAIN.md
/// (§3.2.1), or closed as won or lost.
///
/// The seven states are numbered for matrices: stages 1…5 are indices 0…4 (the transient
/// states of the pipeline's Markov chain), won is 5 and lost is 6 (its absorbing states).
public enum PipelineState: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A development stage, 1...5.
    case stage(Int)
    /// Contract signed (赢单).
    case won
    /// Lost or dropped (丢单).
    case lost

    /// The number of development stages.
    public static let stageCount = 5

    /// The number of states: five stages, won and lost.
    public static let count = 7

    /// Every state in index order: stages 1…5, won, lost.
    public static let all: [PipelineState] = (1...stageCount).map { .stage($0) } + [.won, .lost]

    /// The absorbing states in index order.
    public static let closed: [PipelineState] = [.won, .lost]

    /// The state with matrix index `index` (0...6), or nil outside that range.
    public init?(index: Int) {
        switch index {
        case 0..<Self.stageCount: self = .stage(index + 1)
        case Self.stageCount: self = .won
        case Self.stageCount + 1: self = .lost
        default: return nil
        }
    }

    /// Parses `1`…`5`, `won`, `lost` (any case), or the Chinese 赢单/成交 and 丢单/流失.
    ///
    /// Leading and trailing spaces are ignored; a stage may be written `stage 3` or `3.0`
    /// is rejected (stages are whole numbers).
    public init?(text: some StringProtocol) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch trimmed {
        case "won", "win", "赢单", "成交": self = .won
        case "lost", "lose", "dropped", "丢单", "流失": self = .lost
        default:
            let digits = trimmed.hasPrefix("stage") ? String(trimmed.dropFirst(5)).trimmingCharacters(in: .whitespaces) : trimmed
            guard let stage = Int(digits), (1...Self.stageCount).contains(stage) else { return nil }
            self = .stage(stage)
        }
    }

    /// The matrix index: stages 0...4, won 5, lost 6.
    public var index: Int {
        switch self {
        case .stage(let stage):
            precondition((1...Self.stageCount).contains(stage), "A pipeline stage is 1...5 (got \(stage))")
            return stage - 1
        case .won: return Self.stageCount
        case .lost: return Self.stageCount + 1
        }
    }

    /// Whether the account has left the pipeline (won or lost).
    public var isClosed: Bool {
        switch self {
        case .stage: return false
        case .won, .lost: return true
        }
    }

    /// The stage number 1...5, or nil when closed.
    public var stageNumber: Int? {
        if case .stage(let stage) = self { return stage }
        return nil
    }

    /// `1`…`5`, `won` or `lost`, as written in event logs and pipeline files.
    public var description: String {
        switch self {
        case .stage(let stage): return String(stage)
        case .won: return "won"
        case .lost: return "lost"
        }
    }

    /// The key used in pipeline files: `stage_1`…`stage_5`, `won`, `lost`.
    public var key: String {
        switch self {
        case .stage(let stage): return "stage_\(stage)"
        case .won: return "won"
        case .lost: return "lost"
        }
    }

    /// What the state means, in English or Chinese (DOMAIN.md's names).
    public func label(_ language: Language) -> String {
        switch (self, language) {
        case (.stage(1), .en): return "identify"
        case (.stage(2), .en): return "demo & information"
        case (.stage(3), .en): return "value assessment"
        case (.stage(4), .en): return "relationship"
        case (.stage(5), .en): return "close"
        case (.stage(1), .zh): return "确定开发对象"
        case (.stage(2), .zh): return "演示/信息收集"
        case (.stage(3), .zh): return "价值评估"
        case (.stage(4), .zh): return "关系建立"
        case (.stage(5), .zh): return "促成成交"
        case (.won, .en): return "won"
        case (.won, .zh): return "赢单"
        case (.lost, .en): return "lost"
        case (.lost, .zh): return "丢单"
        case (.stage(let stage), _): return "stage \(stage)"
        }
    }

    public static func < (lhs: PipelineState, rhs: PipelineState) -> Bool { lhs.index < rhs.index }
}
