/// The grade of an account (seed §3.2.3 (五) 2(3)–(5)).
public enum Grade: String, Sendable, Codable, CaseIterable, Comparable {
    /// 全力以赴: all in; enter the key sales process and design a development plan.
    case a = "A"
    /// 控制投入: limit the time spent, maintain the relationship.
    case b = "B"
    /// 关注变化: watch for changes, maintain the relationship.
    case c = "C"
    /// 暂缓观察: postpone, observe.
    case d = "D"
    /// 信息不足: not graded; the account goes back to information gathering.
    case insufficient = "I"

    /// Order used for ranking across grades: A first, insufficient information last.
    public var order: Int {
        switch self {
        case .a: return 0
        case .b: return 1
        case .c: return 2
        case .d: return 3
        case .insufficient: return 4
        }
    }

    public static func < (lhs: Grade, rhs: Grade) -> Bool { lhs.order < rhs.order }

    /// What the team does with an account of this grade, in English or Chinese.
    public func action(_ language: Language) -> String {
        let (en, zh) =
            switch self {
            case .a: ("all in", "全力以赴")
            case .b: ("limit time", "控制投入")
            case .c: ("watch", "关注变化")
            case .d: ("postpone", "暂缓观察")
            case .insufficient: ("gather info", "信息不足")
            }
        return language == .zh ? zh : en
    }

    /// The grade's letter as written in reports ("–" style is avoided so CSV stays plain).
    public var letter: String { self == .insufficient ? "insufficient" : rawValue }

    /// Parses `A`…`D` (any case) as used in model files and `--grade`.
    public init?(letter: String) {
        switch letter.uppercased() {
        case "A": self = .a
        case "B": self = .b
        case "C": self = .c
        case "D": self = .d
        case "I", "INSUFFICIENT": self = .insufficient
        default: return nil
        }
    }
}
