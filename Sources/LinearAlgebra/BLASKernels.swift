internal import Foundation

/// Which kernels OpenBLAS runs, and a better choice where it fell back to generic ones.
///
/// Debian's OpenBLAS 0.3.21 picks its kernels from the processor's family and model when it
/// loads. On processors it does not know (the development machines' Intel Xeon, family 6
/// model 207, with AVX-512) it falls back to its generic SSE3 kernels ("Prescott"), and a
/// product through `dgemm` runs several times slower than the processor can
/// (../shared/PERFORMANCE.md: 6× on dgemm). The choice is made once, at load, from the
/// environment variable `OPENBLAS_CORETYPE`; `kam` therefore asks for the kernels the
/// processor's features support and starts itself again (``coreTypeToRequest(coreName:flags:environment:)``).
public enum BLASKernels {
    /// The kernels OpenBLAS runs in this process ("Prescott", "Haswell", "SkylakeX", …).
    public static var coreName: String { BLAS.coreName() }

    /// The core type to request with `OPENBLAS_CORETYPE`, or `nil` to keep OpenBLAS's choice.
    ///
    /// Only a fallback to the generic kernels is overridden, and never a choice made in the
    /// environment (`OPENBLAS_CORETYPE` already set, by the user or by an earlier start):
    /// "SkylakeX" when the processor has the AVX-512 foundation, byte-and-word, vector-length,
    /// doubleword-and-quadword and conflict-detection sets those kernels use; "Haswell" with AVX2
    /// and FMA; otherwise `nil`.
    ///
    /// - Parameters:
    ///   - coreName: OpenBLAS's choice (``coreName``).
    ///   - flags: The processor's feature flags as `/proc/cpuinfo` names them (``processorFlags()``).
    ///   - environment: The process's environment.
    public static func coreTypeToRequest(coreName: String, flags: @autoclosure () -> Set<String>, environment: [String: String]) -> String?
    {
        guard environment["OPENBLAS_CORETYPE"] == nil, coreName.lowercased() == "prescott" else { return nil }
        let flags = flags()
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }

    /// The first processor's feature flags from `/proc/cpuinfo` (empty where there is none).
    public static func processorFlags(cpuinfo path: String = "/proc/cpuinfo") -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }
}
