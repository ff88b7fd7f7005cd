extension ProspectBatch {
    /// The accounts at `indices`, in that order, with their factor values and segment data.
    ///
    /// Categorical codes index the factor's map in the model, not the batch, so they stay
    /// valid in the new batch; assessing it with the same statistics gives the same scores.
    ///
    /// - Complexity: O(`indices.count` × columns).
    public func rows(_ indices: [Int]) -> ProspectBatch {
        ProspectBatch(
            accounts: indices.map { accounts[$0] },
            factorColumns: factorColumns.map { column in
                switch column {
                case .numeric(let values): return .numeric(indices.map { values[$0] })
                case .categorical(let codes): return .categorical(indices.map { codes[$0] })
                }
            },
            segmentData: SegmentData(columns: segmentData.columns.mapValues { values in indices.map { values[$0] } }))
    }

    /// Appends the accounts of `other`, a batch read with the same model (the same factor
    /// columns, in the same order, and the same segment columns).
    public mutating func append(contentsOf other: ProspectBatch) {
        precondition(factorColumns.count == other.factorColumns.count, "Batches of different models cannot be joined")
        if accounts.isEmpty, factorColumns.allSatisfy({ $0.count == 0 }) {
            self = other
            return
        }
        accounts += other.accounts
        for index in factorColumns.indices {
            switch (factorColumns[index], other.factorColumns[index]) {
            case (.numeric(let left), .numeric(let right)): factorColumns[index] = .numeric(left + right)
            case (.categorical(let left), .categorical(let right)): factorColumns[index] = .categorical(left + right)
            default: preconditionFailure("Factor column \(index) changed kind between batches")
            }
        }
        for (name, values) in other.segmentData.columns {
            segmentData.columns[name, default: []] += values
        }
    }
}
