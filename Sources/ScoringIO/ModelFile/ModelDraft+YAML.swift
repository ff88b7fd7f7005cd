import ScoringEngine

extension ModelDraft {
    /// The draft as a commented model file that ``ModelFileReader`` reads.
    ///
    /// Every guess carries a comment saying what it rests on; likely leaks are written as
    /// comments, not factors; columns left out are listed with their reasons.
    public func yaml() -> String {
        var out = """
            # Drafted by `kam init` from \(Self.shown(file)) (\(rowsRead) rows). A starting point, not a verdict:
            # read every line marked CONFIRM, then learn the curves, weights and grade cuts from
            # past outcomes with `kam model fit HISTORY --model THIS_FILE`, or set them by hand.
            #
            # Each factor turns one column into a utility between 0 and 1 on its side: value (higher
            # is better for us) or difficulty (higher is harder). Numeric scales run from the
            # column's 1st to its 99th percentile; weights are equal within a side.


            """
        out += "name: \(Self.quoted(name))\n\n"
        if let outcomeColumn, let outcomes {
            out += "# Outcome column: \(Self.quoted(outcomeColumn)) (\(outcomes.won) won, \(outcomes.lost) lost); not a factor.\n\n"
        }
        func column(_ role: Column.Role) -> String {
            columns.first { $0.role == role }.map { Self.quoted($0.name) } ?? "null"
        }
        let id =
            columns.first { $0.role == .id }.map { Self.quoted($0.name) } ?? "\"@line\"   # no id column: rows are named by line number"
        out += "columns:\n"
        out += "  id: \(id)\n"
        out += "  name: \(column(.name))\n  industry: null\n  region: null\n  manager: null\n"
        out += "  stage: \(column(.stage))\n  deal_value: \(column(.dealValue))\n\n"
        if !missingCodes.isEmpty {
            out += "# Cells read as \"no value\" (found in this file), besides blanks; matched ignoring case.\n"
            out += "missing_codes: [\(missingCodes.map(Self.quoted).joined(separator: ", "))]\n\n"
        }
        if let deal = columns.first(where: { $0.role == .dealValue }), deal.unit != .none {
            out += "column_units:\n  \(Self.quoted(deal.name)): \(deal.unit.rawValue)\n\n"
        }
        var factors: [(Column, Factor.Side, Factor.Direction)] = []
        for column in columns {
            if case .factor(let side, let direction) = column.role { factors.append((column, side, direction)) }
        }
        var usedIDs: Set<String> = []
        out += "factors:\n"
        for side in Factor.Side.allCases {
            let onSide = factors.filter { $0.1 == side }
            guard !onSide.isEmpty else { continue }
            out += "  # ---- \(side.rawValue) side ----\n"
            let weight = Self.number(Self.rounded(1 / Double(onSide.count)))
            for (column, _, direction) in onSide {
                let factorID = Self.factorID(column.name, taken: &usedIDs)
                out += "  - id: \(factorID)   # CONFIRM: \(column.note)"
                if let auc = column.auc { out += "; alone AUC \(Self.number(auc))" }
                out += "\n"
                out += "    label: {en: \(Self.quoted(column.name)), zh: \(Self.quoted(column.name))}\n"
                out += "    column: \(Self.quoted(column.name))\n"
                out += "    side: \(side.rawValue)\n"
                out += "    weight: \(weight)\n"
                if let range = column.range {
                    out += "    direction: \(direction.rawValue)\n"
                    if column.unit != .none { out += "    unit: \(column.unit.rawValue)\n" }
                    out += "    scale: {type: linear, min: \(Self.number(range.low)), max: \(Self.number(range.high))}\n"
                } else {
                    out += "    scale:\n      type: categorical\n      map:\n"
                    for category in column.categories {
                        out += "        \(Self.quoted(category.label)): \(Self.number(category.utility))\n"
                    }
                    out += "      other: 0.5   # labels not seen here\n"
                }
                out += "    missing: neutral\n\n"
            }
        }
        let leaks = columns.compactMap { column -> String? in
            if case .likelyLeak(let reason) = column.role { return "#   \(Self.shown(column.name)): \(reason)" }
            return nil
        }
        if !leaks.isEmpty {
            out += "# LIKELY LEAKS, left out (probably written after the outcome; add them only if they are\n"
            out += "# known before the deal is decided):\n" + leaks.joined(separator: "\n") + "\n\n"
        }
        let leftOut = columns.compactMap { column -> String? in
            if case .leftOut(let reason) = column.role { return "#   \(Self.shown(column.name)): \(reason)" }
            return nil
        }
        if !leftOut.isEmpty {
            out += "# Columns left out:\n" + leftOut.joined(separator: "\n") + "\n\n"
        }
        out += """
            # A neutral 3 × 3 grid; `kam model fit` learns the cuts from outcomes. CONFIRM.
            grading:
              value_bands: {names: [low, medium, high], cuts: [40, 60]}
              difficulty_bands: {names: [low, medium, high], cuts: [40, 60]}
              grid:
                high:   [A, A, B]
                medium: [B, C, C]
                low:    [C, D, D]
              minimum_completeness: 0.6
              ranking: {key: priority, difficulty_penalty: 0.5, grade_first: true}

            """
        return out
    }

    /// A factor id from a column name: letters, digits, `_`, `-`; unique.
    static func factorID(_ name: String, taken: inout Set<String>) -> String {
        var id = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
        if id.isEmpty || id.allSatisfy({ $0 == "_" }) { id = "factor" }
        var candidate = id
        var suffix = 2
        while taken.contains(candidate) {
            candidate = "\(id)_\(suffix)"
            suffix += 1
        }
        taken.insert(candidate)
        return candidate
    }

    /// A YAML double-quoted scalar, as the model writer quotes.
    static func quoted(_ text: String) -> String { YAMLText.quoted(text) }
}
