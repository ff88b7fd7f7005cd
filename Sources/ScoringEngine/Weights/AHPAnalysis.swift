/// Factor weights from pairwise judgements (the analytic hierarchy process), per side of a
/// model, for one or several judges.
///
/// Each side's factors (value, difficulty) form one comparison matrix per judge. Judges are
/// combined by the element-wise geometric mean of their matrices
/// (``PairwiseComparisonMatrix/geometricMean(_:)``), and the combined matrix gives the side's
/// weights by its principal eigenvector; each judge's own weights and consistency ratio are
/// kept for the report.
public struct AHPAnalysis: Sendable {
    /// One judge's judgements: pairs of model factor indices.
    public struct Judge: Sendable, Equatable {
        public let name: String
        /// `row` factor is `value` times as important as `column` factor (model indices).
        public let judgements: [PairwiseComparisonMatrix.Judgement]
        public init(name: String, judgements: [PairwiseComparisonMatrix.Judgement]) {
            self.name = name
            self.judgements = judgements
        }
    }

    /// One judge's result on one side.
    public struct JudgeResult: Sendable {
        public let name: String
        /// The judge's matrix (side positions).
        public let matrix: PairwiseComparisonMatrix
        /// The judge's own weights and CR, or why they cannot be computed (for example the
        /// judge left a factor unlinked; the combined matrix may still be complete).
        public let analysis: Result<PairwiseAnalysis, PairwiseComparisonError>
    }

    /// The result of one side.
    public struct SideResult: Sendable {
        public let side: Factor.Side
        /// Model indices of the side's factors, in model order (matrix position k is
        /// `factorIndices[k]`).
        public let factorIndices: [Int]
        /// Judges who judged at least one pair on this side.
        public let judges: [JudgeResult]
        /// The geometric-mean matrix of the judges.
        public let combinedMatrix: PairwiseComparisonMatrix
        /// Weights (side positions) and consistency of the combined matrix.
        public let combined: PairwiseAnalysis
    }

    /// Sides with judgements, value first.
    public let sides: [SideResult]
    /// Sides without any judgement (their weights stay as in the model).
    public let unjudgedSides: [Factor.Side]
    /// The random-index table CR was computed with.
    public let randomIndexTable: RandomIndex.Table

    /// Analyzes the judges' judgements against `model`'s sides.
    ///
    /// - Throws: ``PairwiseComparisonError`` with factor ids as names when a judgement is
    ///   off the scale or conflicting, or when the combined judgements of a side leave
    ///   factors unlinked. Judgements across sides are a programmer error (the file reader
    ///   checks sides first).
    public static func analyze(
        model: ScoringModel, judges: [Judge], randomIndex table: RandomIndex.Table = .auto
    ) throws(PairwiseComparisonError) -> AHPAnalysis {
        var sides: [SideResult] = []
        var unjudged: [Factor.Side] = []
        for side in Factor.Side.allCases {
            let indices = model.factors.indices.filter { model.factors[$0].side == side }
            var position: [Int: Int] = [:]
            for (k, index) in indices.enumerated() { position[index] = k }
            let names = indices.map { model.factors[$0].id }
            var judgeResults: [JudgeResult] = []
            for judge in judges {
                let local = judge.judgements.compactMap { judgement -> PairwiseComparisonMatrix.Judgement? in
                    guard let row = position[judgement.row], let column = position[judgement.column] else {
                        precondition(
                            position[judgement.row] == nil && position[judgement.column] == nil,
                            "A judgement compares factors on different sides")
                        return nil
                    }
                    return PairwiseComparisonMatrix.Judgement(row: row, column: column, value: judgement.value)
                }
                guard !local.isEmpty else { continue }
                let matrix = try PairwiseComparisonMatrix(order: indices.count, judgements: local, names: names)
                let analysis: Result<PairwiseAnalysis, PairwiseComparisonError>
                do {
                    analysis = .success(try matrix.analyzed(names: names, randomIndex: table))
                } catch {
                    analysis = .failure(error)
                }
                judgeResults.append(JudgeResult(name: judge.name, matrix: matrix, analysis: analysis))
            }
            guard !judgeResults.isEmpty else {
                unjudged.append(side)
                continue
            }
            let combinedMatrix = PairwiseComparisonMatrix.geometricMean(judgeResults.map(\.matrix))
            let combined = try combinedMatrix.analyzed(names: names, randomIndex: table)
            sides.append(
                SideResult(
                    side: side, factorIndices: indices, judges: judgeResults, combinedMatrix: combinedMatrix,
                    combined: combined))
        }
        return AHPAnalysis(sides: sides, unjudgedSides: unjudged, randomIndexTable: table)
    }

    /// The model's weights with each judged side replaced by the combined AHP weights, in
    /// model factor order; each side sums to 1.
    public func modelWeights(replacing current: [Double]) -> [Double] {
        var weights = current
        for side in sides {
            for (k, index) in side.factorIndices.enumerated() {
                weights[index] = side.combined.weights[k]
            }
        }
        return weights
    }
}
