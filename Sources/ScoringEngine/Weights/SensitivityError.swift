/// A setting of the sensitivity analysis that is out of range.
public enum SensitivityError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidSetting(name: String, value: String, allowed: String)

    public var description: String {
        switch self {
        case .invalidSetting(let name, let value, let allowed):
            return "the \(name) is \(value); it must be \(allowed)."
        }
    }
}
