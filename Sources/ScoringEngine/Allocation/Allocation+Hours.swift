/// Hours per account and per person of an allocation: the figures `kam allocate` reports and
/// the HTML report draws, computed in one place.
extension Allocation {
    /// One person's line: hours available and allocated, and the shadow price of one more hour.
    public struct PersonLine: Sendable {
        public let person: Team.Person
        /// Hours allocated to the person (directors and specialists share their pool in
        /// proportion to their hours).
        public let allocated: Double
        /// The shadow price of one more hour of the person's pool (optimal policy only).
        public let shadowPrice: Double?
    }

    /// Every person of the team, in the team file's order, with their allocated hours.
    public func people(of problem: AllocationProblem) -> [PersonLine] {
        let team = problem.team
        let directorHours = team.hours(of: .director)
        let specialistHours = team.hours(of: .specialist)
        var managerIndex = 0
        return team.people.map { person in
            switch person.role {
            case .manager:
                defer { managerIndex += 1 }
                return PersonLine(person: person, allocated: usage[managerIndex], shadowPrice: shadowPrices?[managerIndex])
            case .director:
                let share = directorHours > 0 ? person.hours / directorHours : 0
                return PersonLine(
                    person: person, allocated: usage[problem.directorsIndex] * share,
                    shadowPrice: shadowPrices?[problem.directorsIndex])
            case .specialist:
                let share = specialistHours > 0 ? person.hours / specialistHours : 0
                return PersonLine(
                    person: person, allocated: usage[problem.specialistsIndex] * share,
                    shadowPrice: shadowPrices?[problem.specialistsIndex])
            }
        }
    }

    /// The work package of the stage an account is worked in, if it is worked in one.
    public func work(_ row: Int, in problem: AllocationProblem) -> Team.StageWork? {
        stages[row].map { problem.team.stages[$0 - 1] }
    }

    /// Hours of every role spent on one account: packages × hours per package of its stage.
    public func hours(_ row: Int, in problem: AllocationProblem) -> Double {
        guard let work = work(row, in: problem) else { return 0 }
        return efforts[row] * (work.managerHours + work.directorHours + work.specialistHours)
    }

    /// Business expense spent on one account: packages × expense per package of its stage.
    public func expense(_ row: Int, in problem: AllocationProblem) -> Double {
        efforts[row] * (work(row, in: problem)?.expense ?? 0)
    }
}
