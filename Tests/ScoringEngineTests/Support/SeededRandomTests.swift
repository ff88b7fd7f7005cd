import Foundation
import Testing

@testable import ScoringEngine

// Reference values below come from Vigna's reference C code (xoshiro256starstar.c,
// splitmix64.c) compiled with gcc, and agree with an independent Python transcription.

@Suite("SeededRandom")
struct SeededRandomTests {
    @Test("xoshiro256** from state {1, 2, 3, 4} gives the reference outputs")
    func referenceOutputs() {
        var random = SeededRandom(state: (1, 2, 3, 4))
        let outputs = (0..<6).map { _ in random.next() }
        #expect(
            outputs == [
                11520, 0, 1_509_978_240, 1_215_971_899_390_074_240,
                1_216_172_134_540_287_360, 607_988_272_756_665_600,
            ])
    }

    @Test("SplitMix64 from seed 1234567 gives the reference outputs")
    func splitMixReference() {
        var seeder = SeededRandom.SplitMix64(seed: 1_234_567)
        let outputs = (0..<5).map { _ in seeder.next() }
        #expect(
            outputs == [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
            ])
    }

    @Test("SplitMix64 agrees with a transcription written from its definition")
    func splitMixIndependent() {
        // z = counter += γ; z = (z ^ z>>30)·m1; z = (z ^ z>>27)·m2; z ^ z>>31, written with
        // multipliedReportingOverflow rather than &* so the two share no code.
        func reference(_ seed: UInt64, count: Int) -> [UInt64] {
            var counter = seed
            var result: [UInt64] = []
            for _ in 0..<count {
                counter = counter.addingReportingOverflow(0x9E37_79B9_7F4A_7C15).partialValue
                var z = counter
                z =
                    (z ^ (z >> 30)).multipliedReportingOverflow(by: 0xBF58_476D_1CE4_E5B9)
                    .partialValue
                z =
                    (z ^ (z >> 27)).multipliedReportingOverflow(by: 0x94D0_49BB_1331_11EB)
                    .partialValue
                result.append(z ^ (z >> 31))
            }
            return result
        }
        for seed: UInt64 in [0, 1, 42, 1_234_567, .max] {
            var seeder = SeededRandom.SplitMix64(seed: seed)
            #expect((0..<8).map { _ in seeder.next() } == reference(seed, count: 8))
        }
    }

    @Test("init(seed:) fills the state with four SplitMix64 outputs")
    func seedingThroughSplitMix() {
        let random = SeededRandom(seed: 42)
        var seeder = SeededRandom.SplitMix64(seed: 42)
        let state = random.state
        #expect(
            [state.0, state.1, state.2, state.3]
                == [seeder.next(), seeder.next(), seeder.next(), seeder.next()])
        #expect(state.0 == 13_679_457_532_755_275_413)
        var copy = random
        #expect(
            [copy.next(), copy.next(), copy.next(), copy.next()] == [
                1_546_998_764_402_558_742, 6_990_951_692_964_543_102,
                12_544_586_762_248_559_009, 17_057_574_109_182_124_193,
            ])
    }

    @Test("Seed 0 gives a usable, nonzero state")
    func seedZero() {
        var random = SeededRandom(seed: 0)
        let state = random.state
        #expect(state.0 | state.1 | state.2 | state.3 != 0)
        #expect((0..<4).map { _ in random.next() }.contains { $0 != 0 })
    }

    @Test("The same seed gives the same sequence; different seeds differ")
    func determinism() {
        var first = SeededRandom(seed: 20121)
        var second = SeededRandom(seed: 20121)
        var other = SeededRandom(seed: 20122)
        let a = (0..<1000).map { _ in first.next() }
        let b = (0..<1000).map { _ in second.next() }
        let c = (0..<1000).map { _ in other.next() }
        #expect(a == b)
        #expect(a != c)
        #expect(first == second)
    }

    @Test("jump() matches the reference jump from state {1, 2, 3, 4}")
    func referenceJump() {
        var random = SeededRandom(state: (1, 2, 3, 4))
        random.jump()
        let state = random.state
        #expect(
            [state.0, state.1, state.2, state.3] == [
                10_122_426_448_480_695_249, 8_079_205_330_032_121_950,
                7_289_065_458_748_526_725, 9_477_464_255_293_849_680,
            ])
        #expect(random.next() == 13_534_147_089_533_256_664)
        #expect(random.next() == 7_126_240_192_422_241_655)
    }

    @Test("longJumped() matches the reference long jump from state {1, 2, 3, 4}")
    func referenceLongJump() {
        var random = SeededRandom(state: (1, 2, 3, 4)).longJumped()
        let state = random.state
        #expect(
            [state.0, state.1, state.2, state.3] == [
                678_511_610_814_637_056, 15_850_499_779_492_529_430,
                6_002_989_639_035_333_134, 3_559_352_929_785_830_385,
            ])
        #expect(random.next() == 5_942_309_088_398_569_549)
        #expect(random.next() == 15_625_447_729_937_358_436)
    }

    @Test("split(stream:) is the generator jumped stream + 1 times, and leaves it unchanged")
    func splitStreams() {
        let base = SeededRandom(seed: 7)
        var walker = base
        var streams: [SeededRandom] = []
        for stream in 0..<5 {
            walker.jump()
            #expect(base.split(stream: stream) == walker)
            streams.append(base.split(stream: stream))
        }
        #expect(base == SeededRandom(seed: 7))
        #expect(base.jumped() == base.split(stream: 0))
        var firstOutputs = Set<UInt64>()
        for var stream in streams + [base] {
            firstOutputs.insert(stream.next())
        }
        #expect(firstOutputs.count == 6)
    }

    @Test("nextDouble() is the top 53 bits scaled by 2^-53")
    func nextDoubleExact() {
        var random = SeededRandom(state: (1, 2, 3, 4))
        #expect(random.nextDouble() == Double(11520 >> 11) * 0x1.0p-53)  // 5 · 2^-53
        #expect(random.nextDouble() == 0)
        var seeded = SeededRandom(seed: 42)
        for _ in 0..<100_000 {
            let draw = seeded.nextDouble()
            #expect(draw >= 0 && draw < 1)
        }
    }

    @Test("nextGaussian() gives the pinned values for seed 42, bit for bit")
    func gaussianPinned() {
        // Polar method values, also reproduced by a Python transcription with math.log.
        var random = SeededRandom(seed: 42)
        let bits = (0..<6).map { _ in random.nextGaussian().bitPattern }
        #expect(
            bits == [
                0xBFE7_3D2F_EB0F_B377, 0xBFCB_0880_2869_3F9C, 0x3FCC_5E21_F781_2A4C,
                0x3FE0_BA8B_B0C5_FA51, 0x3FDD_B514_BFAC_5B4E, 0x3FE7_B619_5D5A_3E23,
            ])
    }

    @Test("nextGaussian() has mean 0 and variance 1 over 200,000 draws")
    func gaussianMoments() {
        var random = SeededRandom(seed: 99)
        let count = 200_000
        var sum = 0.0
        var sumOfSquares = 0.0
        var beyondThree = 0
        for _ in 0..<count {
            let draw = random.nextGaussian()
            sum += draw
            sumOfSquares += draw * draw
            if abs(draw) > 3 { beyondThree += 1 }
        }
        let mean = sum / Double(count)
        let variance = sumOfSquares / Double(count) - mean * mean
        // Standard errors: 0.0022 for the mean, 0.0032 for the variance; allow 5 of them.
        #expect(abs(mean) < 0.011)
        #expect(abs(variance - 1) < 0.016)
        // P(|Z| > 3) = 0.0027, so about 540 of 200,000; allow ±25%.
        #expect(beyondThree > 405 && beyondThree < 675)
    }

    @Test("nextGaussian(mean:standardDeviation:) shifts and scales the standard draw")
    func gaussianScaled() {
        var standard = SeededRandom(seed: 5)
        var scaled = SeededRandom(seed: 5)
        for _ in 0..<10 {
            #expect(
                scaled.nextGaussian(mean: 10, standardDeviation: 2) == 10 + 2
                    * standard.nextGaussian())
        }
    }

    @Test("The portable logarithm is within 4·10⁻¹⁶ relative of the C library's")
    func logarithmAccuracy() {
        var worst = 0.0
        var x = 1e-300
        while x < 1e300 {
            let expected = Foundation.log(x)
            let got = SeededRandom.naturalLogarithm(x)
            if expected != 0 {
                worst = max(worst, abs(got - expected) / abs(expected))
            }
            x *= 1.003
        }
        #expect(worst < 4e-16)
        #expect(SeededRandom.naturalLogarithm(1) == 0)
        #expect(abs(SeededRandom.naturalLogarithm(.ulpOfOne + 1) - .ulpOfOne) < 1e-31)
    }

    @Test("The portable exponential is within 10⁻¹⁰ relative of the C library's, and exact at 0")
    func exponentialAccuracy() {
        var worst = 0.0
        var x = -699.0
        while x < 699 {
            worst = max(worst, abs(SeededRandom.exponential(x) - Foundation.exp(x)) / Foundation.exp(x))
            x += 0.0137
        }
        #expect(worst < 1e-10)
        #expect(SeededRandom.exponential(0) == 1)
        #expect(SeededRandom.exponential(1e-300) == 1)
    }

    @Test("A generator works with the standard library's random APIs")
    func standardLibraryInterop() {
        var first = SeededRandom(seed: 3)
        var second = SeededRandom(seed: 3)
        #expect(Array(0..<50).shuffled(using: &first) == Array(0..<50).shuffled(using: &second))
        let value = Int.random(in: 1...5, using: &first)
        #expect((1...5).contains(value))
    }
}
