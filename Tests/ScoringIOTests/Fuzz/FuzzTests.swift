import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// A seeded mutation fuzzer over the committed corpus in `Tests/Fuzz/corpus` (see its
/// README): the CSV reader (and the loader behind it), the number reader and the model-file
/// reader must, for every input, return a value or throw their typed error — never trap —
/// and keep their invariants. The seed is fixed, so a failure replays exactly.
@Suite("Fuzz: CSV, number and model-file readers on mutated inputs")
struct FuzzTests {
    static let corpus = Paths.packageRoot + "/Tests/Fuzz/corpus"
    /// Mutations per seed file (`KAM_FUZZ_ITERATIONS` overrides).
    static let iterations: Int = {
        if let raw = ProcessInfo.processInfo.environment["KAM_FUZZ_ITERATIONS"], let value = Int(raw), value > 0 {
            return value
        }
        return 300
    }()

    /// SplitMix64: small, seeded, the same on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
    }

    /// Bytes that matter to the grammars.
    static let interesting: [UInt8] =
        Array("\",;\t\r\n \\:-#'{}[]|>0.9eE%万亿¥".utf8) + [0, 0x1B, 0x80, 0xBF, 0xC0, 0xE4, 0xF0, 0xFF]

    static func mutate(_ input: [UInt8], _ random: inout Random) -> [UInt8] {
        var bytes = input
        for _ in 0...random.below(4) {
            let position = random.below(bytes.count + 1)
            switch random.below(8) {
            case 0 where !bytes.isEmpty:  // flip a bit
                let index = min(position, bytes.count - 1)
                bytes[index] ^= UInt8(1) << UInt8(random.below(8))
            case 1:  // insert an interesting byte
                bytes.insert(interesting[random.below(interesting.count)], at: position)
            case 2 where !bytes.isEmpty:  // delete a span
                let end = min(bytes.count, position + 1 + random.below(16))
                if position < end { bytes.removeSubrange(position..<end) }
            case 3 where !bytes.isEmpty:  // duplicate a span
                let start = random.below(bytes.count)
                let end = min(bytes.count, start + 1 + random.below(64))
                bytes.insert(contentsOf: Array(bytes[start..<end]), at: position)
            case 4:  // truncate
                bytes.removeSubrange(min(position, bytes.count)...)
            case 5 where !bytes.isEmpty:  // overwrite with an interesting byte
                bytes[min(position, bytes.count - 1)] = interesting[random.below(interesting.count)]
            case 6:  // a run of quotes or line breaks
                let byte: UInt8 = random.below(2) == 0 ? UInt8(ascii: "\"") : UInt8(ascii: "\n")
                bytes.insert(contentsOf: repeatElement(byte, count: 1 + random.below(8)), at: position)
            default:  // swap two bytes
                if bytes.count > 1 {
                    let other = random.below(bytes.count)
                    bytes.swapAt(min(position, bytes.count - 1), other)
                }
            }
        }
        return bytes
    }

    static func seeds(_ folder: String) throws -> [(name: String, bytes: [UInt8])] {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus + "/" + folder).sorted()
        return names.compactMap { name in
            FileManager.default.contents(atPath: corpus + "/" + folder + "/" + name).map { (name, [UInt8]($0)) }
        }
    }

    @Test("the CSV reader and the prospect loader on mutated lists")
    func csv() throws {
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
        let loader = ProspectListLoader(model: model)
        var random = Random(state: 14)
        var executions = 0
        var accepted = 0
        var refused = 0
        let seeds = try Self.seeds("csv")
        #expect(!seeds.isEmpty)
        for seed in seeds {
            for iteration in 0...Self.iterations {
                let input = iteration == 0 ? seed.bytes : Self.mutate(seed.bytes, &random)
                executions += 1
                let table: CSVTable
                do {
                    table = try CSVReader().read(bytes: input, file: "fuzz.csv")
                } catch {
                    refused += 1
                    continue
                }
                accepted += 1
                var previous = 1
                for record in table.records {
                    #expect(record.line > previous, "\(seed.name) #\(iteration): record lines must increase")
                    previous = record.line
                }
                #expect(Set(table.header).count == table.header.count, "\(seed.name) #\(iteration): duplicate header")
                if let loaded = try? loader.load(table) {
                    #expect(loaded.batch.count + loaded.rejects.count == loaded.rowsRead)
                    #expect(loaded.rowsRead == table.records.count)
                }
            }
        }
        print("fuzz csv: \(executions) executions, \(accepted) read, \(refused) refused with a DatasetError")
    }

    @Test("the number reader on mutated fields: same answer from text and bytes, finite values")
    func numbers() throws {
        var random = Random(state: 1_414)
        var executions = 0
        var numbers = 0
        let lines = try Self.seeds("numbers").flatMap { seed in
            seed.bytes.split(separator: UInt8(ascii: "\n")).map { Array($0) }
        }
        #expect(!lines.isEmpty)
        let readers = NumberUnit.allCases.map { NumberReader(unit: $0) }
        for line in lines {
            for iteration in 0...Self.iterations {
                let input = iteration == 0 ? line : Self.mutate(line, &random)
                let text = String(decoding: input, as: UTF8.self)
                for reader in readers {
                    executions += 1
                    let fromText = reader.read(text)
                    let fromBytes = reader.read(bytes: Array(text.utf8))
                    #expect(fromText == fromBytes, "'\(text)': text and bytes disagree")
                    if case .success(let value) = fromText {
                        numbers += 1
                        #expect(value.isFinite, "'\(text)' read as \(value)")
                    }
                }
            }
        }
        print("fuzz numbers: \(executions) executions, \(numbers) read as numbers")
    }

    @Test("the model-file reader on mutated YAML")
    func models() throws {
        var random = Random(state: 14_014)
        var executions = 0
        var read = 0
        let seeds = try Self.seeds("model")
        #expect(!seeds.isEmpty)
        for seed in seeds {
            for iteration in 0...Self.iterations {
                let input = iteration == 0 ? seed.bytes : Self.mutate(seed.bytes, &random)
                executions += 1
                do {
                    _ = try ModelFileReader().read(yaml: String(decoding: input, as: UTF8.self), file: "fuzz.yaml")
                    read += 1
                } catch {
                    #expect(!error.description.isEmpty)
                }
            }
        }
        #expect(read >= seeds.count, "the unmutated seeds must read")
        print("fuzz models: \(executions) executions, \(read) read as models")
    }
}
