/// Draws account paths through the pipeline from a transition table: the generator of
/// synthetic histories, and the long simulations that check the closed forms.
public struct PipelineSimulator: Sendable {
    /// Per stage, the cumulative probabilities of the seven next states.
    let cumulative: [[Double]]

    public init(table: TransitionTable) {
        cumulative = (0..<PipelineState.stageCount).map { row in
            var running = 0.0
            var values = (0..<PipelineState.count).map { column -> Double in
                running += table.probabilities[row, column]
                return running
            }
            values[values.count - 1] = .infinity  // rounding never leaves a gap at the top
            return values
        }
    }

    /// The state one period after `stage` (1...5), drawn with one uniform number.
    public func nextState(from stage: Int, using random: inout SeededRandom) -> PipelineState {
        let u = random.nextDouble()
        let row = cumulative[stage - 1]
        var index = 0
        while u >= row[index] { index += 1 }
        return PipelineState(index: index) ?? .lost
    }

    /// The states at the end of each period after starting in `stage`, until won or lost
    /// or `maximumPeriods` periods, whichever comes first.
    public func path(from stage: Int, maximumPeriods: Int, using random: inout SeededRandom) -> [PipelineState] {
        var states: [PipelineState] = []
        var current = PipelineState.stage(stage)
        while states.count < maximumPeriods, let number = current.stageNumber {
            current = nextState(from: number, using: &random)
            states.append(current)
        }
        return states
    }
}
