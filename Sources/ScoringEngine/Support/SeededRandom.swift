/// A seedable, reproducible random number generator: xoshiro256** 1.0, seeded through
/// SplitMix64.
///
/// The same seed gives the same sequence on every platform and with every compiler:
/// `next()` uses only 64-bit integer arithmetic, `nextDouble()` converts a 53-bit integer
/// exactly, and `nextGaussian()` uses only IEEE 754 `+ - * /` and `squareRoot()` (all
/// correctly rounded) with its own logarithm instead of the platform's `log`, whose last
/// bit differs between C libraries. Use it wherever a result must be reproducible:
/// generated datasets, weight sampling, bootstrap resampling, tests.
///
/// ```swift
/// var random = SeededRandom(seed: 42)
/// let draw = random.nextDouble()          // 0 ..< 1
/// let shuffled = accounts.shuffled(using: &random)
/// ```
///
/// The standard library's own algorithms that take a generator (`shuffled(using:)`,
/// `Int.random(in:using:)`) are deterministic for a given standard library, but their
/// algorithms are not promised to stay the same across Swift releases. Where bytes must
/// stay identical across toolchains, build on `next()` and the helpers here.
///
/// For parallel work, give each worker its own stream with `split(stream:)`; streams
/// come from xoshiro's jump polynomial and never overlap within 2^128 outputs.
///
/// Reference: David Blackman and Sebastiano Vigna, "Scrambled linear pseudorandom number
/// generators", ACM Transactions on Mathematical Software 47 (2021); reference code
/// `xoshiro256starstar.c` and `splitmix64.c` (public domain).
public struct SeededRandom: RandomNumberGenerator, Sendable, Equatable {
    // The 256-bit xoshiro state, never all zero. Four stored words rather than an array or
    // tuple: no heap allocation, synthesized Equatable, and the hot path stays in registers.
    // Internal and @usableFromInline so that `next()` inlines into other modules' loops.
    @usableFromInline internal var s0: UInt64
    @usableFromInline internal var s1: UInt64
    @usableFromInline internal var s2: UInt64
    @usableFromInline internal var s3: UInt64

    // Marsaglia's polar method yields normal deviates in pairs; the second waits here.
    private var spareGaussian: Double?

    /// Creates a generator whose state is filled by four outputs of SplitMix64 started
    /// at `seed`, as the xoshiro authors recommend.
    ///
    /// Every seed, including 0, gives a valid (nonzero) state.
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
        spareGaussian = nil
        if s0 | s1 | s2 | s3 == 0 {
            // Unreachable for SplitMix64 (its output is a bijection of distinct counters),
            // kept so that the invariant does not depend on that argument.
            s0 = 0x9E37_79B9_7F4A_7C15
        }
    }

    /// Creates a generator with the given raw xoshiro256** state, as in the reference code.
    ///
    /// Use this to reproduce published test vectors; for everyday seeding use
    /// `init(seed:)`.
    ///
    /// - Parameter state: The four state words `s[0]`...`s[3]`; not all zero.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(
            state.0 | state.1 | state.2 | state.3 != 0,
            "xoshiro256** state must not be all zero")
        (s0, s1, s2, s3) = state
        spareGaussian = nil
    }

    /// The raw xoshiro256** state words `s[0]`...`s[3]`.
    public var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

    /// Returns the next 64 random bits and advances the state (xoshiro256** `next`).
    ///
    /// - Complexity: O(1), a handful of integer operations.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = Self.rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotateLeft(s3, by: 45)
        return result
    }

    /// Returns a uniformly distributed double in `0 ..< 1`.
    ///
    /// The top 53 bits of `next()` scaled by 2^-53: every result is a multiple of 2^-53,
    /// each with probability 2^-53; 1 is never returned. The conversion is exact, so the
    /// result is the same on every platform.
    @inlinable
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Returns a standard normal deviate (mean 0, standard deviation 1).
    ///
    /// Marsaglia's polar method: draw `u, v` uniformly in `-1 ..< 1` until
    /// `0 < s = u² + v² < 1`, then `u·√(−2 ln s / s)` and `v·√(−2 ln s / s)` are two
    /// independent normal deviates; the second is kept for the next call. On average it
    /// consumes 2.55 outputs of `next()` per pair.
    ///
    /// Mathematical properties: the natural logarithm is computed here from IEEE basic
    /// operations (relative error below 4·10⁻¹⁶), so results are bit-identical on every
    /// platform. Deviates are bounded by √(208 ln 2) ≈ ±12, as `s` is at least 2^-104.
    public mutating func nextGaussian() -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        while true {
            let u = 2 * nextDouble() - 1
            let v = 2 * nextDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * Self.naturalLogarithm(s) / s).squareRoot()
                spareGaussian = v * factor
                return u * factor
            }
        }
    }

    /// Returns a normal deviate with the given mean and standard deviation.
    ///
    /// - Parameters:
    ///   - mean: The distribution's mean.
    ///   - standardDeviation: The distribution's standard deviation, at least 0.
    public mutating func nextGaussian(mean: Double, standardDeviation: Double) -> Double {
        precondition(standardDeviation >= 0, "standardDeviation must be at least 0")
        return mean + standardDeviation * nextGaussian()
    }

    /// Advances the state by 2^128 outputs (xoshiro256** `jump`).
    ///
    /// Equivalent to 2^128 calls to `next()`. A pending normal deviate is discarded.
    ///
    /// - Complexity: O(1): 256 steps of the generator.
    public mutating func jump() {
        apply(jumpPolynomial: Self.jumpPolynomial)
    }

    /// Returns a copy advanced by 2^128 outputs; the original is unchanged.
    public func jumped() -> SeededRandom {
        var copy = self
        copy.jump()
        return copy
    }

    /// Returns a copy advanced by 2^192 outputs (xoshiro256** `long_jump`); the original
    /// is unchanged.
    ///
    /// Use long jumps for a second level of parallelism (processes, each of which then
    /// splits into streams with `split(stream:)`).
    public func longJumped() -> SeededRandom {
        var copy = self
        copy.apply(jumpPolynomial: Self.longJumpPolynomial)
        return copy
    }

    /// Returns the generator for one of the independent streams derived from this one.
    ///
    /// Stream `k` is this generator advanced by `(k + 1) · 2^128` outputs, so streams
    /// never overlap each other or this generator within 2^128 outputs each, and the
    /// result does not depend on which thread asks or in what order. Stream 0 differs
    /// from `self`.
    ///
    /// To walk the streams in order, jump one copy repeatedly instead: after `k + 1`
    /// calls to `jump()` a copy of `self` equals `split(stream: k)`.
    ///
    /// - Parameter stream: The stream's index, at least 0.
    /// - Complexity: O(`stream`) jumps.
    public func split(stream: Int) -> SeededRandom {
        precondition(stream >= 0, "stream must be at least 0")
        var copy = self
        for _ in 0...stream {
            copy.jump()
        }
        return copy
    }

    // MARK: - Internals

    @inlinable
    internal static func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 &- k))
    }

    private static let jumpPolynomial: [UInt64] = [
        0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C, 0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C,
    ]

    private static let longJumpPolynomial: [UInt64] = [
        0x76E1_5D3E_FEFD_CBBF, 0xC500_4E44_1C52_2FB3, 0x7771_0069_854E_E241, 0x3910_9BB0_2ACB_E635,
    ]

    private mutating func apply(jumpPolynomial: [UInt64]) {
        var t0: UInt64 = 0
        var t1: UInt64 = 0
        var t2: UInt64 = 0
        var t3: UInt64 = 0
        for word in jumpPolynomial {
            for bit in 0..<UInt64(64) {
                if word & (1 << bit) != 0 {
                    t0 ^= s0
                    t1 ^= s1
                    t2 ^= s2
                    t3 ^= s3
                }
                _ = next()
            }
        }
        (s0, s1, s2, s3) = (t0, t1, t2, t3)
        spareGaussian = nil
    }

    /// Shuffles `elements` in place by Fisher–Yates (from the last position down, each swapped
    /// with a position drawn as `next() % (i + 1)`), so the same seed gives the same order on
    /// every machine.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for index in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(index, Int(next() % UInt64(index + 1)))
        }
    }

    /// The natural logarithm of a positive finite `x`, from IEEE basic operations only.
    ///
    /// `x = m · 2^e` with `m` in `[√½, √2)`, then `ln m = 2·atanh(f)` with
    /// `f = (m − 1)/(m + 1)`, `|f| ≤ 0.1716`, summed to `f²¹` (truncation below 10⁻¹⁸),
    /// and `e·ln 2` added in two parts (fdlibm's split) so the product is exact.
    public static func naturalLogarithm(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "naturalLogarithm needs a positive finite argument")
        var m = x.significand  // 1 ..< 2, exact
        var e = Double(x.exponent)
        if m >= 1.414_213_562_373_095_1 {
            m *= 0.5  // exact
            e += 1
        }
        let f = (m - 1) / (m + 1)
        let f2 = f * f
        // 1 + f²/3 + f⁴/5 + ... + f²⁰/21, by Horner's rule in f².
        let series = horner(f2, logarithmSeries) * f2
        let logM = 2 * f + 2 * f * series
        return e * ln2High + (logM + e * ln2Low)
    }

    /// e^x for |x| < 700, from IEEE basic operations only, so that it gives the same bits
    /// on every platform (the C library's `exp` may differ in the last bit).
    ///
    /// x = k·ln 2 + r with |r| ≤ ln 2 / 2 (fdlibm's two-part ln 2, so k·ln2High is exact),
    /// e^r by its Taylor series to r⁹, scaled by 2^k exactly. Relative error below
    /// 10⁻¹⁰: ample for values that are then rounded to whole numbers or tenths.
    public static func exponential(_ x: Double) -> Double {
        precondition(abs(x) < 700, "exponential is only for arguments below 700 in magnitude")
        let scaled = x * 1.442_695_040_888_963_4
        let k = scaled >= 0 ? Int(scaled + 0.5) : -Int(0.5 - scaled)
        let r = (x - Double(k) * ln2High) - Double(k) * ln2Low
        // 2^k from its bit pattern (k is within the normal range): an exact scaling.
        return horner(r, exponentialSeries) * Double(bitPattern: UInt64(1023 + k) << 52)
    }

    /// fdlibm's ln 2 in two parts: `e · ln2High` is exact for the exponents here
    /// (0x3FE62E42FEE00000).
    private static let ln2High = 6.931_471_803_691_238_164_90e-01
    private static let ln2Low = 1.908_214_929_270_587_700_02e-10

    /// 1/21, 1/19, ..., 1/3: the odd terms of 2·atanh, highest first.
    private static let logarithmSeries: [Double] = stride(from: 21.0, through: 3, by: -2).map { 1 / $0 }

    /// 1/9!, 1/8!, ..., 1/1!, 1/0!: e^r's Taylor series, highest first.
    private static let exponentialSeries: [Double] = [
        1.0 / 362_880, 1.0 / 40_320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1, 1,
    ]

    /// The polynomial with `coefficients` (highest power first) at `x`, by Horner's rule,
    /// in the order written, so it gives the same bits everywhere.
    @inline(__always)
    private static func horner(_ x: Double, _ coefficients: [Double]) -> Double {
        var sum = 0.0
        for coefficient in coefficients { sum = sum * x + coefficient }
        return sum
    }
}

extension SeededRandom {
    /// SplitMix64 (Steele, Lea and Flood; Vigna's `splitmix64.c`): a 64-bit generator
    /// whose only job here is to spread a seed over xoshiro's 256-bit state.
    ///
    /// Its outputs are a bijection of a counter stepped by the golden gamma
    /// `0x9E3779B97F4A7C15`, so nearby seeds give unrelated states.
    public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
        private var counter: UInt64

        /// Creates a generator whose first output mixes `seed + 0x9E3779B97F4A7C15`.
        public init(seed: UInt64) {
            counter = seed
        }

        /// Returns the next 64 random bits.
        public mutating func next() -> UInt64 {
            counter &+= 0x9E37_79B9_7F4A_7C15
            var z = counter
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
