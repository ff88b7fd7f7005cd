/// A post in the key-account department (seed §1.1 大客户部岗位设置): one director, two or
/// three managers, three or four specialists.
public enum TeamRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// 大客户总监: plans and reviews; reviewed on department indicators (§1.2.1).
    case director
    /// 大客户经理: develops and keeps accounts; reviewed on the §2.2 scorecard.
    case manager
    /// 大客户专员: supports sales, reports and files; reviewed on the §2.2 scorecard.
    case specialist

    /// Reads a role as a plan file writes it: `director`, `manager`, `specialist` (any
    /// case), or 总监 / 大客户总监, 经理 / 大客户经理, 专员 / 大客户专员.
    public init?(text: String) {
        switch text.lowercased() {
        case "director", "总监", "大客户总监", "大客户部总监": self = .director
        case "manager", "经理", "大客户经理": self = .manager
        case "specialist", "专员", "大客户专员": self = .specialist
        default: return nil
        }
    }

    /// The words ``init(text:)`` accepts, for error messages.
    public static let acceptedSpellings = ["director", "manager", "specialist", "总监", "经理", "专员"]

    /// The role in English (its raw value) or Chinese.
    public func label(_ language: Language) -> String {
        guard language == .zh else { return rawValue }
        switch self {
        case .director: return "总监"
        case .manager: return "经理"
        case .specialist: return "专员"
        }
    }
}
