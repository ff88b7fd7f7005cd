import Foundation
import LinearAlgebra
import ScoringEngine
import ScoringIO

// kam-bandwidth: how close kam's scoring kernel comes to the machine's memory read
// bandwidth, measured in the same run: a STREAM-style read of the utility matrix, and the
// scoring product kam runs on it (Scorer.scores(rowMajor:): one dgemm per panel of 256
// rows, 3 scenarios × value and difficulty), alternately, medians of 15 rounds, one thread
// each. Usage: swift run -c release --package-path Benchmarks kam-bandwidth [ROWS]

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

var reads: [Double] = []
var kernels: [Double] = []
var scores: [Double] = []
var sink = 0.0
for _ in 0..<15 {
    reads.append(seconds {
        utilities.withUnsafeBufferPointer { buffer in
            var sum = SIMD4<Double>()
            let raw = UnsafeRawPointer(buffer.baseAddress!)
            var index = 0
            while index + 4 <= buffer.count {
                sum += raw.loadUnaligned(fromByteOffset: index * 8, as: SIMD4<Double>.self)
                index += 4
            }
            sink += sum.sum()
        }
    })
    kernels.append(seconds { scorer.scores(rowMajor: utilities, rows: rows, into: &scores) })
    sink += scores[scores.count / 2]
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let read = bytes / median(reads) / 1e9
let kernel = bytes / median(kernels) / 1e9
print("rows: \(rows) × \(factors) factors (\(Int(bytes / 1e6)) MB of utilities), \(2 * scorer.scenarioCount) score columns")
print("memory read (STREAM-style sum, 1 thread): \(String(format: "%.1f", read)) GB/s")
print("scoring kernel (panelled dgemm, 1 thread): \(String(format: "%.1f", kernel)) GB/s of utilities read")
print("kernel / read: \(String(format: "%.0f", 100 * kernel / read))%  (medians of 15 alternating rounds)")
if sink.isNaN { print("") }

extension ModelFileReader {
    static func defaultModel(root: String) throws -> ScoringModel {
        try ModelFileReader().read(contentsOf: root + "/models/default.yaml")
    }
}
