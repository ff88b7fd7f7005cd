import Foundation

extension Team {
    /// Assigns each account to a manager (an index into ``managers``).
    ///
    /// An account whose `manager` names a manager of the team goes to that manager. The
    /// others go round-robin, in list order, to the managers with hours (the first
    /// unassigned account to the first such manager, and so on). With no manager with
    /// hours, they get nil: nobody can work them.
    public func assign(managerNames: [String]) -> [Int?] {
        let managers = self.managers
        var byName: [String: Int] = [:]
        for (index, manager) in managers.enumerated() where byName[manager.name] == nil { byName[manager.name] = index }
        let available = managers.indices.filter { managers[$0].hours > 0 }
        var next = 0
        return managerNames.map { name in
            if let index = byName[name.trimmingCharacters(in: .whitespaces)] { return index }
            guard !available.isEmpty else { return nil }
            defer { next += 1 }
            return available[next % available.count]
        }
    }
}
