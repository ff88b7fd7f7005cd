import ScoringEngine

/// The check that a model holds nothing the SQL export was not written for.
///
/// Scales, missing policies and calibrations are matched case by case (anything else is
/// refused by name). Parts of the model added later — a new field of the model, of a
/// factor, of a scale's payload or of a bin, such as a 2-D interaction table or special
/// values of a binned scale — are found by reflection: a field the exporter does not know
/// that holds something (not `nil`, not empty) is refused by its name, so a model that
/// scores with it can never be exported without it.
extension SQLExporter {
    static let knownModelFields: Set<String> = [
        "name", "factors", "grading", "segments", "scenarios", "columns", "missingCodes", "columnUnits",
        "declaredWeights", "calibration",
    ]
    static let knownFactorFields: Set<String> = [
        "id", "label", "column", "side", "weight", "direction", "scale", "missing", "unit", "source",
        "specialValues",
    ]
    /// Fields of a special value the export evaluates (value, utility) or that cannot change a
    /// score (label, evidence).
    static let knownSpecialValueFields: Set<String> = ["value", "utility", "label", "evidence"]
    /// Known payload labels of each scale kind, and of the structs inside them.
    static let knownScaleFields: [String: Set<String>] = [
        "linear": ["min", "max"], "log": ["min", "max", "offset"], "piecewise": ["points"],
        "categorical": ["map", "other"], "binned": ["bins"], "minMax": [], "zScore": ["clip"],
        "interaction": ["first", "second", "utilities"],
    ]
    static let knownAxisFields: Set<String> = ["factor", "edges", "labels"]
    static let knownElementFields: Set<String> = ["x", "utility", "label", "evidence", "upper"]
    static let knownGradingFields: Set<String> = [
        "valueBands", "difficultyBands", "grid", "minimumCompleteness", "ranking",
    ]
    static let knownRankingFields: Set<String> = ["key", "gradeFirst", "difficultyPenalty"]
    static let knownSegmentFields: Set<String> = ["id", "label", "groups"]
    static let knownConditionFields: Set<String> = ["column", "comparison", "operand"]

    /// Throws for any field outside `known` that holds a value.
    static func checkFields(of value: Any, known: Set<String>, owner: String) throws(SQLExportError) {
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, !known.contains(label) else { continue }
            if !isEmpty(child.value) { throw .unsupportedModelPart(owner: owner, part: label) }
        }
    }

    /// `nil`, an empty collection, `false` or zero: nothing that could change a score.
    static func isEmpty(_ value: Any) -> Bool {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first else { return true }
            return isEmpty(wrapped.value)
        case .collection, .dictionary, .set:
            return mirror.children.isEmpty
        default:
            if let flag = value as? Bool { return !flag }
            return false
        }
    }

    /// Refuses everything in `model` that the exporter does not know.
    static func checkSupported(_ model: ScoringModel) throws(SQLExportError) {
        try checkFields(of: model, known: knownModelFields, owner: "the model")
        try checkFields(of: model.grading, known: knownGradingFields, owner: "the model's grading")
        try checkFields(of: model.grading.ranking, known: knownRankingFields, owner: "the model's ranking")
        for factor in model.factors {
            try checkFields(of: factor, known: knownFactorFields, owner: "factor '\(factor.id)'")
            for special in factor.specialValues {
                try checkFields(of: special, known: knownSpecialValueFields, owner: "factor '\(factor.id)''s special values")
            }
            // The scale's case and payload.
            guard let payload = Mirror(reflecting: factor.scale).children.first else {
                // A case without payload (minMax).
                guard knownScaleFields[String(describing: factor.scale)] != nil else {
                    throw .unsupportedScale(factor: factor.id, kind: factor.scale.kind)
                }
                continue
            }
            guard let caseName = payload.label, let known = knownScaleFields[caseName] else {
                throw .unsupportedScale(factor: factor.id, kind: factor.scale.kind)
            }
            let owner = "factor '\(factor.id)''s \(factor.scale.kind) scale"
            if let table = factor.scale.interaction {
                try checkFields(of: table, known: known, owner: owner)
                try checkFields(of: table.first, known: knownAxisFields, owner: owner)
                try checkFields(of: table.second, known: knownAxisFields, owner: owner)
                continue
            }
            let payloadMirror = Mirror(reflecting: payload.value)
            if payloadMirror.displayStyle == .tuple {
                try checkFields(of: payload.value, known: known, owner: owner)
            }
            // Points, categories and bins.
            func checkElements(_ value: Any) throws(SQLExportError) {
                let mirror = Mirror(reflecting: value)
                switch mirror.displayStyle {
                case .collection, .optional, .tuple:
                    for child in mirror.children { try checkElements(child.value) }
                case .struct:
                    try checkFields(of: value, known: knownElementFields, owner: owner)
                default: break
                }
            }
            try checkElements(payload.value)
        }
        for rule in model.segments {
            try checkFields(of: rule, known: knownSegmentFields, owner: "segment '\(rule.id)'")
            for condition in rule.groups.joined() {
                try checkFields(of: condition, known: knownConditionFields, owner: "segment '\(rule.id)'")
            }
        }
        if model.columns.id == AccountColumns.lineNumberID { throw .lineNumberIDs }
    }
}
