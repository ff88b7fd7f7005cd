/// A scorecard item the reviewer rates (seed §2.2 定性指标: 市场信息收集, 团队协作, 专业知识,
/// 分析判断能力, 沟通能力, 责任感): the points are read from a column of the actuals file.
///
/// Without levels any value in 0...maximum is accepted. With levels, the value must be one
/// of them: a level is a single number of points (分析判断能力: 4 强, 3.5 较强, 3 一般, 2.5 较弱)
/// or a range (责任感: 0–3 工作马虎).
public struct RatingRule: Sendable, Equatable {
    /// One level of the rating.
    public struct Level: Sendable, Equatable {
        /// The points of the level; a single value is `x...x`.
        public let points: ClosedRange<Double>
        /// What the level means, e.g. 强: 能迅速的对客观环境做出较为正确的判断.
        public let label: LocalizedLabel?

        public init(points: ClosedRange<Double>, label: LocalizedLabel? = nil) {
            self.points = points
            self.label = label
        }

        /// "4", "0–3".
        public var text: String {
            points.lowerBound == points.upperBound
                ? PerformanceNumberFormat.compact(points.lowerBound)
                : "\(PerformanceNumberFormat.compact(points.lowerBound))–\(PerformanceNumberFormat.compact(points.upperBound))"
        }
    }

    /// Why a rating cannot be used.
    public enum Problem: Sendable, Equatable {
        /// Outside 0...maximum.
        case outOfRange(maximum: Double)
        /// Not one of the levels (their texts).
        case notALevel(levels: [String])
    }

    /// The actuals column holding the points.
    public let column: String
    public let levels: [Level]

    public init(column: String, levels: [Level] = []) {
        self.column = column
        self.levels = levels
    }

    /// Checks a rating; `nil` when it can be used.
    ///
    /// Values within 1e-9 of a level count as that level.
    public func problem(with value: Double, maximum: Double) -> Problem? {
        let tolerance = 1e-9
        guard value >= -tolerance && value <= maximum + tolerance else { return .outOfRange(maximum: maximum) }
        guard !levels.isEmpty else { return nil }
        let matches = levels.contains {
            value >= $0.points.lowerBound - tolerance && value <= $0.points.upperBound + tolerance
        }
        return matches ? nil : .notALevel(levels: levels.map(\.text))
    }
}
