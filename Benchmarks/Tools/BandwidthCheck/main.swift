import Foundation
import LinearAlgebra
import ScoringEngine
import ScoringIO
import Synchronization

// kam-bandwidth: how close kam's scoring kernel comes to the machine's memory read
// bandwidth, measured in the same run, alternately, medians of 15 rounds, one thread each:
//
// - memory read: a STREAM-style sum of the N × F utility matrix (bytes read: 8NF);
// - read + write: a STREAM-style pass with the full kernel's memory traffic and almost no
//   arithmetic: it reads the matrix and writes N × 2S values (output column c of a row is
//   its entry c plus its entry F − 1 − c, which touches every cache line of the row), so it
//   moves 8NF bytes in and 8N·2S out (plus, with write-allocate caches, 8N·2S read for
//   ownership): the ceiling of any kernel that reads U and writes a full score matrix;
// - full kernel: Scorer.scores(rowMajor:) over the whole matrix into an N × 2S score
//   matrix (the in-memory pipeline: one dgemm per panel of Scorer.panelRows rows, 3
//   scenarios × value and difficulty), and the same product in panels of 256 rows (the
//   panel size before it was tuned);
// - panel kernel: the same product as the streaming reader runs it: each 256-row panel of
//   U is brought into a cache-resident panel buffer and scored into a cache-resident
//   256 × 2S buffer, whose scores are consumed (summed) before the next panel; memory
//   traffic is the read of U only;
// - in-place kernel: the panel product reading each panel of U where it lies in memory
//   (Scorer.scores(rowMajor:rows:into:) on a window of rows, no copy) into a cache-resident
//   score panel, consumed before the next: what scoring a matrix in memory costs when only
//   per-panel results (grades, ranking keys, a top-K) are kept; memory traffic is the read
//   of U only. Measured with panels of Scorer.panelRows and of 256 rows;
// - compute alone: the same panel product repeated N/256 times on one cache-resident
//   panel, no memory traffic at all: the arithmetic's own speed, the ceiling of any kernel
//   made of these BLAS calls.
//
// - two threads: the read and the full kernel again, each thread taking half of the rows
//   (the machine's bandwidth with both cores, as STREAM measures it, against the kernel on
//   both cores, as `kam rank` runs it on two workers).
//
// Every rate is expressed as bytes of U read per second, so each ratio is "how close to
// the read bandwidth", and read+write / read is the traffic bound of the full kernel.
// Usage: swift run -c release --package-path Benchmarks kam-bandwidth [ROWS]

let rows = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
let model = try ModelFileReader.defaultModel(root: root)
let scorer = try Scorer(model: model)
let factors = model.factors.count
var random = SeededRandom(seed: 7)
let utilities = (0..<(rows * factors)).map { _ in random.nextDouble() }
let bytes = Double(utilities.count * 8)

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The read + write reference: reads `input` (rows × factors), writes rows × columns.
func readWrite(_ input: [Double], rows: Int, factors: Int, columns: Int, into output: inout [Double]) {
    input.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { output in
            var offset = 0
            var out = 0
            precondition(factors >= columns, "The reference reads entries c and F − 1 − c")
            for _ in 0..<rows {
                for column in 0..<columns {
                    output[out + column] = input[offset + column] + input[offset + factors - 1 - column]
                }
                offset += factors
                out += columns
            }
        }
    }
}

/// The panel kernel: each panel of `panelRows` rows copied into a cache-resident buffer and
/// scored into a cache-resident score panel, whose scores are consumed before the next.
func panelKernel(_ utilities: [Double], rows: Int, factors: Int, scorer: Scorer, panelRows: Int) -> Double {
    var panel = [Double](repeating: 0, count: panelRows * factors)
    var panelScores: [Double] = []
    var sum = 0.0
    var start = 0
    while start < rows {
        let count = min(panelRows, rows - start)
        if count != panelRows { panel = [Double](repeating: 0, count: count * factors) }
        panel.withUnsafeMutableBufferPointer { buffer in
            utilities.withUnsafeBufferPointer { source in
                buffer.baseAddress!.update(from: source.baseAddress! + start * factors, count: count * factors)
            }
        }
        scorer.scores(rowMajor: panel, rows: count, into: &panelScores)
        sum += panelScores[0] + panelScores[panelScores.count - 1]
        start += count
    }
    return sum
}

/// The in-place kernel: each window of `windowRows` rows scored where it lies, one dgemm per
/// window, into one reused score panel whose scores are consumed before the next window.
func inPlaceKernel(_ utilities: [Double], rows: Int, factors: Int, scorer: Scorer, windowRows: Int) -> Double {
    let columns = 2 * scorer.scenarioCount
    var panelScores = [Double](repeating: 0, count: windowRows * columns)
    var sum = 0.0
    for start in stride(from: 0, to: rows, by: windowRows) {
        let window = start..<min(start + windowRows, rows)
        if window.count != windowRows { panelScores = [Double](repeating: 0, count: window.count * columns) }
        BatchProduct.multiply(
            utilities, rows: window, inner: factors, by: scorer.weights.elements, columns: columns,
            into: &panelScores, panelRows: windowRows)
        sum += panelScores[0] + panelScores[panelScores.count - 1]
    }
    return sum
}

/// The panel product alone, repeated on one cache-resident panel.
func computeAlone(_ utilities: [Double], rows: Int, factors: Int, scorer: Scorer) -> Double {
    let panel = Array(utilities[0..<(256 * factors)])
    var panelScores: [Double] = []
    var sum = 0.0
    for _ in 0..<(rows / 256) {
        scorer.scores(rowMajor: panel, rows: 256, into: &panelScores)
        sum += panelScores[0]
    }
    return sum
}

/// A STREAM-style read: the sum of every entry, four lanes at a time.
func readSum(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { buffer in
        var sum = SIMD4<Double>()
        let raw = UnsafeRawPointer(buffer.baseAddress!)
        var index = 0
        while index + 4 <= buffer.count {
            sum += raw.loadUnaligned(fromByteOffset: index * 8, as: SIMD4<Double>.self)
            index += 4
        }
        return sum.sum()
    }
}

/// Runs `body` on each half of the rows on its own thread; returns the wall time.
func twoThreads(_ body: @Sendable (Int) -> Double) -> (seconds: Double, sink: Double) {
    let sinks = Mutex<Double>(0)
    let time = seconds {
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let value = body(half)
            sinks.withLock { $0 += value }
        }
    }
    return (time, sinks.withLock { $0 })
}

let halves = [0, 1].map { half in
    Array(utilities[(half * (rows / 2) * factors)..<((half == 0 ? rows / 2 : rows) * factors)])
}
let halfRows = [rows / 2, rows - rows / 2]
var computes: [Double] = []
var reads: [Double] = []
var readWrites: [Double] = []
var kernels: [Double] = []
var kernels256: [Double] = []
var inPlaces: [Double] = []
var inPlaces256: [Double] = []
var inPlaces2: [Double] = []
var reads2: [Double] = []
var kernels2: [Double] = []
var panelKernels: [Double] = []
var scores: [Double] = []
let columns = 2 * scorer.scenarioCount
var rowSums = [Double](repeating: 0, count: rows * columns)
var sink = 0.0
for _ in 0..<15 {
    readWrites.append(seconds { readWrite(utilities, rows: rows, factors: factors, columns: columns, into: &rowSums) })
    sink += rowSums[rowSums.count / 3]
    panelKernels.append(seconds { sink += panelKernel(utilities, rows: rows, factors: factors, scorer: scorer, panelRows: 256) })
    computes.append(seconds { sink += computeAlone(utilities, rows: rows, factors: factors, scorer: scorer) })
    reads.append(seconds { sink += readSum(utilities) })
    kernels.append(seconds { scorer.scores(rowMajor: utilities, rows: rows, into: &scores) })
    if scores.count != rows * columns { fatalError("The full kernel wrote \(scores.count) scores") }
    sink += scores[scores.count / 2]
    kernels256.append(
        seconds {
            BatchProduct.multiply(
                utilities, rows: rows, inner: factors, by: scorer.weights.elements, columns: columns, into: &scores,
                panelRows: 256)
        })
    sink += scores[scores.count / 3]
    inPlaces.append(
        seconds {
            sink += inPlaceKernel(utilities, rows: rows, factors: factors, scorer: scorer, windowRows: Scorer.panelRows)
        })
    inPlaces256.append(
        seconds {
            sink += inPlaceKernel(utilities, rows: rows, factors: factors, scorer: scorer, windowRows: 256)
        })
    let read2 = twoThreads { half in readSum(halves[half]) }
    reads2.append(read2.seconds)
    let kernel2 = BLASThreads.withThreadCount(1) {
        twoThreads { half in
            var halfScores: [Double] = []
            scorer.scores(rowMajor: halves[half], rows: halfRows[half], into: &halfScores)
            return halfScores[halfScores.count / 2]
        }
    }
    kernels2.append(kernel2.seconds)
    let inPlace2 = BLASThreads.withThreadCount(1) {
        twoThreads { half in
            inPlaceKernel(halves[half], rows: halfRows[half], factors: factors, scorer: scorer, windowRows: Scorer.panelRows)
        }
    }
    inPlaces2.append(inPlace2.seconds)
    sink += inPlace2.sink
    sink += read2.sink + kernel2.sink
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func rate(_ times: [Double]) -> Double { bytes / median(times) / 1e9 }
func format(_ value: Double) -> String { String(format: "%.1f", value) }
func percent(_ value: Double) -> String { String(format: "%.0f%%", 100 * value) }
let read = rate(reads)
let readWrite = rate(readWrites)
let kernel = rate(kernels)
let panelRate = rate(panelKernels)
let written = Double(rows * columns * 8)
print("rows: \(rows) × \(factors) factors (\(Int(bytes / 1e6)) MB of utilities), \(columns) score columns (\(Int(written / 1e6)) MB)")
print("memory read (STREAM-style sum, 1 thread): \(format(read)) GB/s")
print(
    "read + write (STREAM-style, the full kernel's traffic: \(Int(bytes / 1e6)) MB in, \(Int(written / 1e6)) MB out): "
        + "\(format(readWrite)) GB/s of utilities read, \(percent(readWrite / read)) of read")
print(
    "full kernel (Scorer.scores into an N × \(columns) matrix, dgemm in panels of \(Scorer.panelRows)): "
        + "\(format(kernel)) GB/s of utilities read, \(percent(kernel / read)) of read, "
        + "\(percent(kernel / readWrite)) of read + write")
let kernel256 = rate(kernels256)
print(
    "full kernel in panels of 256: \(format(kernel256)) GB/s, \(percent(kernel256 / read)) of read, "
        + "\(percent(kernel256 / readWrite)) of read + write")
print(
    "panel kernel (as kam rank scores: 256-row panels into a cache-resident score panel, scores summed): \(format(panelRate)) GB/s, "
        + "\(percent(panelRate / read)) of read")
let inPlace = rate(inPlaces)
let inPlace256 = rate(inPlaces256)
print(
    "in-place kernel (each panel of U scored where it lies into a cache-resident score panel): "
        + "panels of \(Scorer.panelRows): \(format(inPlace)) GB/s, \(percent(inPlace / read)) of read; "
        + "panels of 256: \(format(inPlace256)) GB/s, \(percent(inPlace256 / read)) of read")
let compute = Double((rows / 256) * 256 * factors * 8) / median(computes) / 1e9
print(
    "compute alone (the panel product on one cache-resident panel, no memory traffic): \(format(compute)) GB/s-equivalent, "
        + "\(percent(compute / read)) of read")
let read2 = rate(reads2)
let kernel2 = rate(kernels2)
let inPlace2 = rate(inPlaces2)
print(
    "two threads, half of the rows each: memory read \(format(read2)) GB/s; full kernel \(format(kernel2)) GB/s, "
        + "\(percent(kernel2 / read2)) of read; in-place kernel \(format(inPlace2)) GB/s, \(percent(inPlace2 / read2)) of read")
print("(medians of 15 alternating rounds; one thread each unless stated)")
if sink.isNaN { print("") }

extension ModelFileReader {
    static func defaultModel(root: String) throws -> ScoringModel {
        try ModelFileReader().read(contentsOf: root + "/models/default.yaml")
    }
}
