/// The key-account team (DOMAIN.md "Resources and budget"): its people with their hours per
/// period, the business-expense budget per period, what one unit of each stage's work costs,
/// how effort moves an account (``EffortResponse``), and the seed's grade policy.
///
/// Effort is counted in **work packages**: one package of stage `s` is the work the stage
/// table asks for in one period (demo material, technical support, relationship expense,
/// executives' time, a site visit) and costs ``StageWork`` hours of the account's manager,
/// of the director(s) and of the specialists, plus expense. Effort is continuous (half a
/// package is half of each cost).
public struct Team: Sendable, Equatable {
    /// A role of DOMAIN.md's team table.
    public enum Role: String, Sendable, CaseIterable {
        case director
        case manager
        case specialist
    }

    /// One person and the hours they can give to accounts per period (≥ 0).
    public struct Person: Sendable, Equatable {
        public let name: String
        public let role: Role
        public let hours: Double

        public init(name: String, role: Role, hours: Double) {
            self.name = name
            self.role = role
            self.hours = hours
        }
    }

    /// The cost of one work package of a stage.
    public struct StageWork: Sendable, Equatable {
        /// Hours of the account's manager, of the director pool and of the specialist pool (≥ 0).
        public let managerHours: Double
        public let directorHours: Double
        public let specialistHours: Double
        /// Business expense in the list's money unit (≥ 0).
        public let expense: Double
        /// What the package is, for people reading the file or report.
        public let work: String

        public init(managerHours: Double, directorHours: Double, specialistHours: Double, expense: Double, work: String = "") {
            self.managerHours = managerHours
            self.directorHours = directorHours
            self.specialistHours = specialistHours
            self.expense = expense
            self.work = work
        }
    }

    public let people: [Person]
    /// Business-expense budget per period (≥ 0), in the list's money unit.
    public let budget: Double
    /// Stages 1…5.
    public let stages: [StageWork]
    /// The response of each stage 1…5 to effort.
    public let response: [EffortResponse]
    /// The seed's grade policy: the share of each manager's hours that goes to each grade
    /// A, B, C, D (each 0...1, sum ≤ 1); D is 0 in the seed ("暂缓观察").
    public let gradeShares: [Grade: Double]
    /// The most packages one account can take in one period (> 0).
    public let maximumPackages: Double

    public init(
        people: [Person], budget: Double, stages: [StageWork], response: [EffortResponse], gradeShares: [Grade: Double],
        maximumPackages: Double
    ) {
        precondition(stages.count == PipelineState.stageCount, "A team needs the work of each of the 5 stages")
        precondition(response.count == PipelineState.stageCount, "A team needs the response of each of the 5 stages")
        precondition(maximumPackages > 0, "maximumPackages must be positive")
        self.people = people
        self.budget = budget
        self.stages = stages
        self.response = response
        self.gradeShares = gradeShares
        self.maximumPackages = maximumPackages
    }

    /// The managers in file order; accounts are assigned to them.
    public var managers: [Person] { people.filter { $0.role == .manager } }

    /// Hours of a role summed over its people.
    public func hours(of role: Role) -> Double {
        people.filter { $0.role == role }.reduce(0) { $0 + $1.hours }
    }

    /// Total hours per period of the whole team.
    public var totalHours: Double { people.reduce(0) { $0 + $1.hours } }
}
