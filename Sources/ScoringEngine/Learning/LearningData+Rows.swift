extension LearningData {
    /// The accounts at `rows` (in that order), every column and the stages subset alike.
    public func rows(_ rows: [Int]) -> LearningData {
        let columns = self.columns.map { column -> LearningColumn in
            switch column.values {
            case .numeric(let values):
                return LearningColumn(name: column.name, values: .numeric(rows.map { values[$0] }), factor: column.factor)
            case .categorical(let labels):
                return LearningColumn(name: column.name, values: .categorical(labels.rows(rows)), factor: column.factor)
            }
        }
        return LearningData(
            columns: columns, outcomes: rows.map { outcomes[$0] }, stages: stages.map { stages in rows.map { stages[$0] } })
    }
}
