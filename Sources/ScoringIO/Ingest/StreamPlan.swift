import ScoringEngine

/// Everything a streaming pass needs to map fields onto the model, prepared once from the
/// header: what to do with each column, the readers and matchers of each factor, and the
/// model's scoring parts.
///
/// Only the columns that decide whether a row can be scored and how it scores are read
/// while streaming (the id, the factors, the stage and the deal value); names, regions and
/// segment columns are read again, with ``RowMapper``, for the rows that are shown.
struct StreamPlan: Sendable {
    /// What the reader does with one column's field.
    enum Action: Sendable {
        case id
        case factor(Int)
        case stage
        case dealValue
    }

    /// Everything the reader needs for one column, in one plain value: the per-field path
    /// loads it once instead of looking several arrays up.
    struct Step: Sendable {
        enum Kind: UInt8, Sendable {
            /// Not read while streaming.
            case skip
            case id
            case number
            case category
            case stage
            case dealValue
            /// More than one action (a column read twice): see ``StreamPlan/actions``.
            case several
        }
        var kind: Kind
        /// The factor (for `number` and `category`).
        var factor: Int
        /// Whether a missing value rejects the row (`missing: required`).
        var isRequired: Bool
        /// The utility of a missing value (0 for `mean` factors: filled in later).
        var missingFill: Double
        /// The number reader of a numeric factor or the deal value.
        var reader: NumberReader
    }

    let model: ScoringModel
    let header: [String]
    let file: String
    let mapper: RowMapper
    let columnCount: Int
    /// `actions[actionStart[c]..<actionStart[c + 1]]` are column `c`'s actions.
    let actionStart: [Int]
    let actions: [Action]
    /// Per column: its step.
    let steps: [Step]
    let missingCodes: MissingCodes
    /// Per factor: its number reader (numeric factors).
    let numberReaders: [NumberReader]
    /// The labels of categorical factors.
    let categories: CategoryMatcher
    /// Per factor: whether it reads category labels.
    let isCategorical: [Bool]
    /// Per factor: whether a missing value rejects the row.
    let isRequired: [Bool]
    /// Per factor: whether a missing value takes the batch mean utility.
    let takesMean: [Bool]
    /// Per factor: the utility of a missing value (0 for `mean` factors: filled in later).
    let missingFill: [Double]
    /// Per factor: its completeness share.
    let shares: [Double]
    /// Numeric factors with batch-relative scales, whose raw statistics a first pass collects.
    let rawFactors: [Int]
    /// Factors with the `mean` missing policy.
    let meanFactors: [Int]
    let dealReader: NumberReader
    let idColumn: Int?
    let delimiter: UInt8
    /// Per factor: its position among `rawFactors`, if it is one.
    let rawPosition: [Int?]
    let scorer: Scorer
    /// The scenario grades and ranking follow.
    let scenario: Int

    var factorCount: Int { model.factors.count }
    /// Statistics inputs kept per row: raw values of `rawFactors`, then utilities of
    /// `meanFactors` (NaN when missing).
    var statisticsWidth: Int { rawFactors.count + meanFactors.count }
    var scoreColumns: Int { 2 * scorer.scenarioCount }

    /// - Precondition: the header has every column the model needs.
    init(model: ScoringModel, header: [String], file: String, delimiter: UInt8, scorer: Scorer, scenario: Int) {
        self.model = model
        self.delimiter = delimiter
        self.header = header
        self.file = file
        self.scorer = scorer
        self.scenario = scenario
        let mapper = RowMapper(model: model, header: header, file: file)
        self.mapper = mapper
        columnCount = header.count
        var perColumn = [[Action]](repeating: [], count: header.count)
        if let id = mapper.idColumn { perColumn[id].append(.id) }
        for (index, reader) in mapper.readers.enumerated() { perColumn[reader.column].append(.factor(index)) }
        if let stage = mapper.stageColumn { perColumn[stage].append(.stage) }
        if let deal = mapper.dealColumn { perColumn[deal].append(.dealValue) }
        var start = [0]
        var actions: [Action] = []
        for list in perColumn {
            actions += list
            start.append(actions.count)
        }
        actionStart = start
        self.actions = actions
        let fills = model.factors.map {
            $0.missing == .mean ? 0 : UtilityBuilder(model: model).missingUtility(factor: $0, meanUtility: 0.5)
        }
        steps = perColumn.map { list in
            var step = Step(kind: .skip, factor: 0, isRequired: false, missingFill: 0, reader: NumberReader())
            guard let action = list.first else { return step }
            guard list.count == 1 else {
                step.kind = .several
                return step
            }
            switch action {
            case .id: step.kind = .id
            case .stage: step.kind = .stage
            case .dealValue:
                step.kind = .dealValue
                step.reader = mapper.dealReader
            case .factor(let factor):
                let reader = mapper.readers[factor]
                step.kind = reader.isCategorical ? .category : .number
                step.factor = factor
                step.isRequired = model.factors[factor].missing == .required
                step.missingFill = fills[factor]
                step.reader = reader.numberReader
            }
            return step
        }
        missingCodes = mapper.missingCodes
        numberReaders = mapper.readers.map(\.numberReader)
        categories = CategoryMatcher(readers: mapper.readers)
        isCategorical = mapper.readers.map(\.isCategorical)
        isRequired = model.factors.map { $0.missing == .required }
        takesMean = model.factors.map { $0.missing == .mean }
        let builder = UtilityBuilder(model: model)
        missingFill = model.factors.map { $0.missing == .mean ? 0 : builder.missingUtility(factor: $0, meanUtility: 0.5) }
        shares = builder.completenessShares
        rawFactors = model.factors.indices.filter { model.factors[$0].scale.isBatchRelative }
        meanFactors = model.factors.indices.filter { model.factors[$0].missing == .mean }
        var rawPosition = [Int?](repeating: nil, count: model.factors.count)
        for (position, factor) in rawFactors.enumerated() { rawPosition[factor] = position }
        self.rawPosition = rawPosition
        dealReader = mapper.dealReader
        idColumn = mapper.idColumn
    }

    /// The utility functions of every factor given the raw statistics (`nil` before a first
    /// pass, when no factor is batch-relative).
    func utilities(raw statistics: UtilityBuilder.Statistics?) -> UtilityTable {
        UtilityTable(model: model, statistics: statistics)
    }
}
