import Foundation
import LinearAlgebra
import Testing

/// `kam` restarts itself with `OPENBLAS_CORETYPE` when OpenBLAS fell back to its generic
/// kernels on a processor that supports better ones (``BLASKernels``). `OPENBLAS_VERBOSE=2`
/// makes OpenBLAS print its choice ("Core: …") each time it loads.
@Suite("kam runs OpenBLAS kernels the processor supports")
struct ProcessorKernelsTests {
    static func cores(_ standardError: String) -> [String] {
        standardError.split(separator: "\n").compactMap { line in
            line.hasPrefix("Core: ") ? String(line.dropFirst(6)) : nil
        }
    }

    @Test("On a processor with AVX2 and FMA the generic kernels are replaced; a core type in the environment is kept")
    func kernels() throws {
        let flags = BLASKernels.processorFlags()
        let given = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        let chosen = try KamRunner.run(["--version"], environment: ["OPENBLAS_VERBOSE": "2"])
        #expect(chosen.status == 0)
        let cores = Self.cores(chosen.standardError)
        #expect(!cores.isEmpty, "OpenBLAS printed no core: \(chosen.standardError)")
        if given == nil, flags.isSuperset(of: ["avx2", "fma"]) {
            #expect(cores.last?.lowercased() != "prescott", "kam ran the generic kernels: \(cores)")
            // At most one restart.
            #expect(cores.count <= 2)
        }
        let kept = try KamRunner.run(["--version"], environment: ["OPENBLAS_VERBOSE": "2", "OPENBLAS_CORETYPE": "Prescott"])
        #expect(kept.status == 0)
        #expect(Self.cores(kept.standardError).map { $0.lowercased() } == ["prescott"])
    }

    @Test("The ranking of the bundled list is the same bytes with the generic kernels, the chosen ones, and OpenBLAS on two threads")
    func sameAnswer() throws {
        let folder = try KamRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func arguments(_ name: String) -> [String] {
            ["rank", "datasets/prospects.csv", "--format", "csv", "--quiet", "--rejects", folder + "/" + name]
        }
        let generic = try KamRunner.run(arguments("generic.csv"), environment: ["OPENBLAS_CORETYPE": "Prescott"])
        let chosen = try KamRunner.run(arguments("chosen.csv"))
        // kam runs OpenBLAS on the calling thread unless the environment sets a count.
        let twoThreads = try KamRunner.run(arguments("two.csv"), environment: ["OPENBLAS_NUM_THREADS": "2"])
        #expect(generic.status == 0 && chosen.status == 0 && twoThreads.status == 0)
        #expect(!generic.standardOutput.isEmpty)
        #expect(generic.standardOutput == chosen.standardOutput)
        #expect(twoThreads.standardOutput == chosen.standardOutput)
    }
}
