import Foundation
import LinearAlgebra
import Testing

@Suite("BLASKernels")
struct BLASKernelsTests {
    static let avx512: Set<String> = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]

    @Test("Only the generic fallback is overridden, with the kernels the flags support")
    func choice() {
        #expect(BLASKernels.coreTypeToRequest(coreName: "Prescott", flags: Self.avx512, environment: [:]) == "SkylakeX")
        #expect(BLASKernels.coreTypeToRequest(coreName: "PRESCOTT", flags: ["avx2", "fma", "avx512f"], environment: [:]) == "Haswell")
        #expect(BLASKernels.coreTypeToRequest(coreName: "Prescott", flags: ["sse3", "avx2"], environment: [:]) == nil)
        #expect(BLASKernels.coreTypeToRequest(coreName: "Prescott", flags: [], environment: [:]) == nil)
        // OpenBLAS knew the processor: its choice stands.
        #expect(BLASKernels.coreTypeToRequest(coreName: "Cooperlake", flags: Self.avx512, environment: [:]) == nil)
        #expect(BLASKernels.coreTypeToRequest(coreName: "Zen", flags: Self.avx512, environment: [:]) == nil)
        // A core type in the environment (the user's, or set by the first start) is kept.
        #expect(
            BLASKernels.coreTypeToRequest(coreName: "Prescott", flags: Self.avx512, environment: ["OPENBLAS_CORETYPE": "Prescott"]) == nil)
        #expect(BLASKernels.coreTypeToRequest(coreName: "Prescott", flags: Self.avx512, environment: ["OPENBLAS_CORETYPE": ""]) == nil)
    }

    @Test("Flags are read from the first processor's flags line; a missing file gives none")
    func flags() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kam-cpuinfo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("cpuinfo").path
        let text = "processor\t: 0\nmodel name\t: Test\nflags\t\t: fpu sse2 avx2 fma\nbugs\t\t: none\n\nprocessor\t: 1\nflags\t\t: fpu\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(BLASKernels.processorFlags(cpuinfo: path) == ["fpu", "sse2", "avx2", "fma"])
        #expect(BLASKernels.processorFlags(cpuinfo: folder.appendingPathComponent("none").path).isEmpty)
    }
}
