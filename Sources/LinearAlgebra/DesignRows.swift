import Dispatch

/// The design matrix of an iteratively reweighted least-squares fit, read in place: the rows
/// of a tall row-major matrix `X` taken in the order of a list of row ranges, with an
/// optional leading column of ones (the intercept).
///
/// A fit over some of the rows (the training folds of a cross-validation) or with an
/// intercept column then needs no copy of `X`: the products below read `X` panel by panel.
/// Positions `0..<count` number the selected rows in order.
///
/// ## Determinism
///
/// The positions are cut into fixed chunks of ``chunkRows`` (the cut depends only on
/// ``count``); each chunk is reduced on its own and the chunks' results are added in chunk
/// order. The results are therefore the same, bit for bit, whatever the number of workers.
///
/// ## Products
///
/// - ``multiplied(by:workers:)``: `Zβ` (one `dgemv` per segment of consecutive rows).
/// - ``weightedCrossProducts(workers:fill:)``: `ZᵀWZ` and `Zᵀr` in one pass over `X`: for
///   each panel of ``panelRows`` rows the caller writes `w` and `r`, the panel is scaled by
///   `√w` into a cache-resident buffer and added to the Gram matrix with `dsyrk` (β = 1),
///   and `Xᵀr` is added with `dgemv`.
/// - ``stepProducts(along:gram:workers:fill:)``: the same pass, with `Zs` of a step taken
///   on each panel first (for the caller's `w` and `r` at the point the step leads to), and
///   the Gram matrix optional.
public struct DesignRows: Sendable {
    /// `X`.
    public let matrix: Matrix
    /// Whether `Z` has a leading column of ones.
    public let leadingOnes: Bool
    /// The number of selected rows (positions).
    public let count: Int
    /// Consecutive position ranges, at most ``chunkRows`` long, covering `0..<count`.
    public let chunks: [Range<Int>]
    // Runs of consecutive positions that are consecutive rows of X.
    private let segments: [Segment]

    private struct Segment: Sendable {
        var position: Int
        var row: Int
        var count: Int
    }

    /// Positions per chunk (the unit of parallel work and of the fixed summation order).
    public static let chunkRows = 1 << 15
    /// Rows per `dsyrk` panel (the scaled panel, `panelRows × columns` doubles, stays in cache).
    public static let panelRows = 512

    /// The columns of `Z`: those of `X`, plus one with ``leadingOnes``.
    public var columns: Int { matrix.columns + (leadingOnes ? 1 : 0) }

    /// Creates the design of the rows `ranges` (in that order; all rows when `nil`) of `matrix`.
    ///
    /// - Precondition: every range lies within `0..<matrix.rows`.
    public init(_ matrix: Matrix, rows ranges: [Range<Int>]? = nil, leadingOnes: Bool) {
        let ranges = ranges ?? [0..<matrix.rows]
        var segments: [Segment] = []
        var position = 0
        for range in ranges where !range.isEmpty {
            precondition(
                range.lowerBound >= 0 && range.upperBound <= matrix.rows,
                "DesignRows: rows \(range) are outside the matrix's \(matrix.rows) rows")
            segments.append(Segment(position: position, row: range.lowerBound, count: range.count))
            position += range.count
        }
        self.matrix = matrix
        self.leadingOnes = leadingOnes
        self.count = position
        self.segments = segments
        self.chunks = stride(from: 0, to: position, by: Self.chunkRows).map { $0..<min($0 + Self.chunkRows, position) }
    }

    /// The parts of the position range `positions` that are consecutive rows of `X`:
    /// `(first position, first row, count)`.
    private func pieces(of positions: Range<Int>) -> [(position: Int, row: Int, count: Int)] {
        var result: [(Int, Int, Int)] = []
        // Binary search for the first segment ending after the range's start.
        var low = 0
        var high = segments.count
        while low < high {
            let middle = (low + high) / 2
            if segments[middle].position + segments[middle].count <= positions.lowerBound { low = middle + 1 } else { high = middle }
        }
        var index = low
        while index < segments.count, segments[index].position < positions.upperBound {
            let segment = segments[index]
            let start = max(segment.position, positions.lowerBound)
            let end = min(segment.position + segment.count, positions.upperBound)
            if end > start { result.append((start, segment.row + (start - segment.position), end - start)) }
            index += 1
        }
        return result
    }

    /// Runs `body` on every chunk, spread over `workers` threads (OpenBLAS held to one thread
    /// per call meanwhile, a process-wide setting restored afterwards), and returns the
    /// chunks' results in chunk order.
    ///
    /// - Complexity: the chunks' work; results are gathered without locks.
    public func mapChunks<Result: Sendable>(workers: Int, _ body: @Sendable (Range<Int>) -> Result) -> [Result] {
        let chunks = self.chunks
        let boxes = chunks.map { _ in ResultBox<Result>() }
        let workerCount = max(1, min(workers, chunks.count))
        // One OpenBLAS thread per call (see BLASThreads): the chunks are the parallel work,
        // and waking OpenBLAS's own threads for calls this small costs more than it saves
        // (much more on a loaded machine).
        BLASThreads.withThreadCount(1) {
            if workerCount == 1 {
                for (index, chunk) in chunks.enumerated() { boxes[index].value = body(chunk) }
            } else {
                DispatchQueue.concurrentPerform(iterations: workerCount) { worker in
                    for index in stride(from: worker, to: chunks.count, by: workerCount) {
                        boxes[index].value = body(chunks[index])
                    }
                }
            }
        }
        return boxes.map { box in
            guard let value = box.value else { preconditionFailure("DesignRows.mapChunks: a chunk was not computed") }
            return value
        }
    }

    /// `Zβ`, one entry per position.
    ///
    /// - Parameter coefficients: `β`, ``columns`` entries (the intercept first with ``leadingOnes``).
    /// - Complexity: O(`count × columns`), one read of the selected rows of `X`.
    public func multiplied(by coefficients: [Double], workers: Int) -> [Double] {
        precondition(coefficients.count == columns, "DesignRows needs \(columns) coefficients, got \(coefficients.count)")
        let parts = mapChunks(workers: workers) { chunk -> [Double] in
            var out = [Double](repeating: self.leadingOnes ? coefficients[0] : 0, count: chunk.count)
            for piece in self.pieces(of: chunk) {
                BLAS.gemvRows(
                    self.matrix.elements, columns: self.matrix.columns, firstRow: piece.row, rows: piece.count,
                    coefficients, xOffset: self.leadingOnes ? 1 : 0, beta: self.leadingOnes ? 1 : 0,
                    into: &out, yOffset: piece.position - chunk.lowerBound)
            }
            return out
        }
        var result: [Double] = []
        result.reserveCapacity(count)
        for part in parts { result.append(contentsOf: part) }
        return result
    }

    /// `ZᵀWZ` (symmetric) and `Zᵀr` in one pass over the selected rows of `X`.
    ///
    /// - Parameters:
    ///   - workers: Threads to use.
    ///   - fill: Called for each panel of positions with two buffers of at least the panel's
    ///     length; writes `wᵢ ≥ 0` (finite) into the first and `rᵢ` into the second, at
    ///     offset `i − panel.lowerBound`. Called concurrently for different panels.
    /// - Returns: The `columns × columns` Gram matrix (exactly symmetric) and the product.
    /// - Complexity: O(`count × columns²`) in `dsyrk`, O(`panelRows × columns`) memory per worker.
    public func weightedCrossProducts(
        workers: Int, fill: @Sendable (Range<Int>, inout [Double], inout [Double]) -> Void
    ) -> (gram: Matrix, product: [Double]) {
        let (gram, product) = stepProducts(along: nil, gram: true, workers: workers) { panel, _, w, r in fill(panel, &w, &r) }
        guard let gram else { preconditionFailure("DesignRows: the Gram matrix was asked for") }
        return (gram, product)
    }

    /// One pass over the selected rows of `X` for a step of an iteratively reweighted fit:
    /// for each panel of ``panelRows`` positions, `d = Z s` on the panel (when a step `s` is
    /// given), then the caller's `fill` (which reads `d`, writes `w` and `r`), then `Zᵀr` and,
    /// when asked, `ZᵀWZ`, while the panel of `X` is still in cache. A fit that took
    /// `Z s`, `Zᵀr` and `ZᵀWZ` in separate calls read all of `X` once for each; a tall design
    /// is read once here.
    ///
    /// - Parameters:
    ///   - step: `s`, ``columns`` entries; `nil`: no product (`fill` gets an empty `d`).
    ///   - gram: Whether to accumulate `ZᵀWZ` (else `w` is not read).
    ///   - workers: Threads to use (panels of different chunks run concurrently).
    ///   - fill: Called for each panel of positions with `d` for the panel (offset
    ///     `i − panel.lowerBound`) and two buffers of at least the panel's length, into which
    ///     it writes `wᵢ ≥ 0` (finite; only when `gram`) and `rᵢ`. With one worker the panels
    ///     come in position order.
    /// - Returns: `ZᵀWZ` (exactly symmetric; `nil` unless `gram`) and `Zᵀr`. The sums are
    ///   taken panel by panel within a chunk and then chunk by chunk, whatever `workers`.
    public func stepProducts(
        along step: [Double]?, gram includesGram: Bool, workers: Int,
        fill:
            @Sendable (_ panel: Range<Int>, _ direction: [Double], _ weights: inout [Double], _ residuals: inout [Double])
            -> Void
    ) -> (gram: Matrix?, product: [Double]) {
        let terms = columns
        if let step { precondition(step.count == terms, "DesignRows needs \(terms) step entries, got \(step.count)") }
        let featureCount = matrix.columns
        let ones = leadingOnes
        let parts = mapChunks(workers: workers) { chunk -> (gram: [Double], product: [Double]) in
            var gram = [Double](repeating: 0, count: includesGram ? terms * terms : 0)
            var product = [Double](repeating: 0, count: terms)
            var weights = [Double](repeating: 0, count: Self.panelRows)
            var residuals = [Double](repeating: 0, count: Self.panelRows)
            var direction = [Double](repeating: 0, count: step == nil ? 0 : Self.panelRows)
            var scaled = [Double](repeating: 0, count: includesGram ? Self.panelRows * terms : 0)
            let elements = self.matrix.elements
            for piece in self.pieces(of: chunk) {
                var done = 0
                while done < piece.count {
                    let rows = min(Self.panelRows, piece.count - done)
                    let position = piece.position + done
                    let firstRow = piece.row + done
                    if let step {
                        if direction.count != rows {
                            direction = [Double](repeating: 0, count: rows)
                        }
                        if ones {
                            for i in 0..<rows { direction[i] = step[0] }
                        }
                        BLAS.gemvRows(
                            elements, columns: featureCount, firstRow: firstRow, rows: rows, step, xOffset: ones ? 1 : 0,
                            beta: ones ? 1 : 0, into: &direction, yOffset: 0)
                    }
                    fill(position..<(position + rows), direction, &weights, &residuals)
                    var interceptSum = 0.0
                    if includesGram {
                        interceptSum = BLAS.scaleRows(
                            elements, columns: featureCount, firstRow: firstRow, rows: rows, weights: weights,
                            residuals: residuals, leadingOnes: ones, into: &scaled)
                        BLAS.syrkAccumulate(scaled, rows: rows, columns: terms, into: &gram)
                    } else if ones {
                        for i in 0..<rows { interceptSum += residuals[i] }
                    }
                    if ones { product[0] += interceptSum }
                    BLAS.gemvTransposedRowsAccumulate(
                        elements, columns: featureCount, firstRow: firstRow, rows: rows, residuals, xOffset: 0,
                        into: &product, yOffset: ones ? 1 : 0)
                    done += rows
                }
            }
            return (gram, product)
        }
        var product = [Double](repeating: 0, count: terms)
        var total = [Double](repeating: 0, count: includesGram ? terms * terms : 0)
        for part in parts {
            for index in total.indices { total[index] += part.gram[index] }
            for k in 0..<terms { product[k] += part.product[k] }
        }
        guard includesGram else { return (nil, product) }
        var gram = Matrix(rows: terms, columns: terms)
        for i in 0..<terms {
            for j in i..<terms {
                gram[i, j] = total[i * terms + j]
                gram[j, i] = total[i * terms + j]
            }
        }
        return (gram, product)
    }

    /// `y += alpha · x` (BLAS `daxpy`), for updating a linear predictor along a step.
    public static func add(_ alpha: Double, _ x: [Double], to y: inout [Double]) {
        BLAS.axpy(alpha, x, into: &y)
    }
}

/// One chunk's result, written by the one worker that computes that chunk.
private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
