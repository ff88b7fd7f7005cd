import ScoringEngine

/// Draws one prospect at a time and appends it to a byte buffer as a CSV line.
///
/// The hot loop of `ProspectListGenerator`: every word is turned into UTF-8 bytes once, in
/// `init`, and numbers are written digit by digit, so a row costs no string building.
///
/// The model behind the values, with `z` the account's latent size and each `g` a fresh
/// standard normal draw (coefficients in `appendRow`):
///
/// - budget = e^(ln 320 + industry offset + 1.05·z), 50...20,000 万元, rounded to 5/10/50/100;
/// - strategic importance rises with `z`; incumbent strength rises with `z`;
/// - expected share rises with service fit and stage, falls with incumbent strength;
/// - deal value ≈ budget × share, never above the budget;
/// - development cost and decision cycle grow with size, difficulty and the industry;
/// - inside contact and support grow with stage; deal risk falls with them;
/// - credit rating follows a latent credit quality; payment delay and record follow it;
/// - cumulative consumption is 0 for most, otherwise a few years of part of the budget.
struct ProspectRowWriter {
    private typealias Vocabulary = ProspectVocabulary

    // Column positions, for the blank mask (bit i set: cell i is written missing).
    private enum Column {
        static let industry = 2, region = 3, manager = 4, stage = 5, budget = 6, share = 7
        static let strategic = 8, serviceFit = 9, margin = 10, developmentCost = 11
        static let dealRisk = 12, incumbent = 13, creditRating = 14, paymentDelay = 15
        static let tech = 16, decisionCycle = 17, insideContact = 18, support = 19
        static let dealValue = 20, cumulative = 21, largestContract = 22, paymentRecord = 23
        static let referrals = 24, parentGroup = 25, benchmark = 26
    }

    /// Columns that may be written missing: all but account_id, name and parent_group.
    private static let optionalColumns: [Int] = Array(2...24) + [26]

    private let industryNames: [[UInt8]]
    private let industryWords: [[[UInt8]]]
    private let industryCumulativeWeights: [Double]
    private let regionNames: [[UInt8]]
    private let regionCities: [[[UInt8]]]
    private let regionCumulativeWeights: [Double]
    private let managerNames: [[UInt8]]
    private let stageCumulativeWeights: [Double]
    private let syllables: [[UInt8]]
    private let companySuffixes: [[UInt8]]
    private let groupBrands: [[UInt8]]
    private let groupNames: [[UInt8]]
    private let creditRatings: [[UInt8]]
    private let paymentRecords: [[UInt8]]
    private let missingCodes: [[UInt8]]
    private let lineEnding: [UInt8]

    // A cell is blank when the blank stream's next word is below this threshold.
    private let blankThreshold: UInt64
    private let blankEverything: Bool
    private let blankNothing: Bool

    init(options: GeneratorOptions) {
        func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
        func cumulative(_ weights: [Double]) -> [Double] {
            let total = weights.reduce(0, +)
            var sum = 0.0
            return weights.map { weight in
                sum += weight
                return sum / total
            }
        }
        industryNames = Vocabulary.industries.map { bytes($0.name) }
        industryWords = Vocabulary.industries.map { $0.words.map(bytes) }
        industryCumulativeWeights = cumulative(Vocabulary.industries.map(\.weight))
        regionNames = Vocabulary.regions.map { bytes($0.name) }
        regionCities = Vocabulary.regions.map { $0.cities.map(bytes) }
        regionCumulativeWeights = cumulative(Vocabulary.regions.map(\.weight))
        managerNames = Vocabulary.managers.map(bytes)
        stageCumulativeWeights = cumulative(Vocabulary.stageWeights)
        syllables = Vocabulary.brandSyllables.map(bytes)
        companySuffixes = Vocabulary.companySuffixes.map(bytes)
        creditRatings = Vocabulary.creditRatings.map(bytes)
        paymentRecords = Vocabulary.paymentRecords.map(bytes)
        missingCodes = ProspectListGenerator.missingCodes.map(bytes)
        lineEnding = options.lineEnding.bytes

        // Parent groups come from their own stream (2 long jumps from the seed), so the
        // same groups appear whatever the row count.
        var groupRandom = SeededRandom(seed: options.seed).longJumped().longJumped()
        var brands: [[UInt8]] = []
        var names: [[UInt8]] = []
        var seen = Set<[UInt8]>()
        let syllableCount = Vocabulary.brandSyllables.count
        while brands.count < Vocabulary.groupCount {
            let brand =
                bytes(Vocabulary.brandSyllables[Self.uniform(syllableCount, &groupRandom)])
                + bytes(Vocabulary.brandSyllables[Self.uniform(syllableCount, &groupRandom)])
            let suffix = Vocabulary.groupSuffixes[
                Self.uniform(Vocabulary.groupSuffixes.count, &groupRandom)]
            guard brand.count == 6, seen.insert(brand).inserted else { continue }
            brands.append(brand)
            names.append(brand + bytes(suffix))
        }
        groupBrands = brands
        groupNames = names

        blankNothing = options.blankRate <= 0
        let scaled = options.blankRate * 18_446_744_073_709_551_616.0  // × 2^64
        blankEverything = scaled >= 18_446_744_073_709_551_616.0
        blankThreshold = blankEverything || blankNothing ? 0 : UInt64(scaled)
    }

    /// Draws row `row` and appends it, line ending included.
    ///
    /// - Parameters:
    ///   - row: The data row number, from 1; it becomes `account_id` unless the row is a
    ///     duplicate.
    ///   - badRow: The fault to write into this row, if it is one of the bad rows.
    ///   - values: The block's stream for values; the same draws whatever `badRow` is.
    ///   - blanks: The block's stream for blank decisions.
    ///   - buffer: Receives the line.
    func appendRow(
        _ row: Int,
        badRow: ProspectListGenerator.BadRow?,
        values random: inout SeededRandom,
        blanks: inout SeededRandom,
        to buffer: inout [UInt8]
    ) {
        // Draw every value first, in a fixed order.
        let industryIndex = Self.pick(industryCumulativeWeights, &random)
        let industry = Vocabulary.industries[industryIndex]
        let regionIndex = Self.pick(regionCumulativeWeights, &random)
        let region = Vocabulary.regions[regionIndex]
        let cityIndex = Self.uniform(region.cities.count, &random)
        let manager =
            random.nextDouble() < 0.15
            ? Self.uniform(managerNames.count, &random) : region.territoryManager
        let stage = Self.pick(stageCumulativeWeights, &random) + 1
        let stageOffset = Double(stage - 3)

        let size = random.nextGaussian()
        let rawBudget = Self.exponential(5.768_320_995_793_772 + industry.budgetOffset + 1.05 * size)
        let budget = Self.niceBudget(min(max(rawBudget, 50), 20_000))
        let strategic = Self.score(3 + 0.85 * size + 0.75 * random.nextGaussian())
        let serviceFit = Self.score(
            3 + industry.serviceFitOffset + 0.9 * random.nextGaussian())
        let incumbent = Self.score(3 + 0.5 * size + 0.9 * random.nextGaussian())
        let shareRaw =
            30 + 7 * Double(serviceFit - 3) - 6 * Double(incumbent - 3) + 2 * stageOffset
            + 9 * random.nextGaussian()
        let share = min(max(Int((shareRaw / 5).rounded()) * 5, 5), 80)
        let marginRaw =
            19 + 2 * Double(serviceFit - 3) - 1.5 * Double(strategic - 3)
            + 4 * random.nextGaussian()
        let marginHalves = min(max(Int((marginRaw * 2).rounded()), 6), 90)
        let tech = Self.score(
            2.6 + industry.techOffset + 0.3 * size + 0.9 * random.nextGaussian())
        let cycleRaw = Self.exponential(
            1.386_294_361_119_890_6 + industry.cycleOffset + 0.3 * size
                + 0.1 * Double(strategic - 3) + 0.5 * random.nextGaussian())
        let decisionCycle = min(max(Int(cycleRaw.rounded()), 1), 24)
        let costRaw = Self.exponential(
            2.302_585_092_994_045_7 + 0.45 * size + 0.15 * Double(tech - 3)
                + 0.04 * Double(decisionCycle - 4) + 0.45 * random.nextGaussian())
        let costTenths = min(max(Int((costRaw * 10).rounded()), 10), 2000)
        let insideProbability = Self.insideContactProbability[stage - 1]
        let insideContact = random.nextDouble() < insideProbability
        let support = min(
            max(
                Int(
                    (0.25 * stageOffset + (insideContact ? 0.6 : -0.4)
                        + 0.9 * random.nextGaussian()).rounded()), -2), 2)
        let dealRisk = Self.score(
            3 + 0.45 * Double(incumbent - 3) - 0.4 * Double(support)
                - (insideContact ? 0.3 : 0) - 0.25 * stageOffset + 0.7 * random.nextGaussian())
        let credit = 0.35 * size + industry.creditOffset + random.nextGaussian()
        var ratingIndex = 0
        while ratingIndex < Vocabulary.creditThresholds.count
            && credit <= Vocabulary.creditThresholds[ratingIndex]
        {
            ratingIndex += 1
        }
        let delayRaw = 12 - 18 * credit + 22 * random.nextGaussian()
        let paymentDelay = min(max(Int(delayRaw.rounded()), 0), 180)
        let recordRaw = -0.8 * credit + Double(paymentDelay) / 30 + 0.5 * random.nextGaussian()
        let paymentRecord = recordRaw < 0.6 ? 0 : recordRaw < 1.6 ? 1 : 2
        let dealValueRaw =
            Double(budget) * Double(share) / 100
            * Self.exponential(0.15 * random.nextGaussian())
        let dealValue = min(max(Int(dealValueRaw.rounded()), 1), budget)

        var cumulative = 0
        if random.nextDouble() < 0.25 + 0.05 * Double(stage - 1) {
            let years = Double(1 + Self.uniform(5, &random))
            let fraction = 0.05 + 0.45 * random.nextDouble()
            cumulative = min(Int((Double(budget) * years * fraction).rounded()), 30_000)
        }
        var largestContract = 0
        if cumulative > 0 {
            let part = 0.25 + 0.75 * random.nextDouble()
            largestContract = max(Int(Double(cumulative) * part), 1)
        }
        let referralDraw = random.nextDouble()
        let referrals: Int
        if cumulative > 0 {
            referrals = referralDraw < 0.80 ? 0 : referralDraw < 0.92 ? 1 : referralDraw < 0.98 ? 2 : 3
        } else {
            referrals = referralDraw < 0.97 ? 0 : referralDraw < 0.995 ? 1 : 2
        }

        // Parent group: about 12%, skewed so that a few groups have many units.
        var group: Int?
        if random.nextDouble() < 0.12 {
            let draw = random.nextDouble()
            group = Int(Double(groupBrands.count) * draw * draw * draw)
        }
        var brandSyllables = (0, 0, -1)
        if group == nil {
            let threeSyllables = random.nextDouble() < 0.25
            brandSyllables.0 = Self.uniform(syllables.count, &random)
            brandSyllables.1 = Self.uniform(syllables.count, &random)
            if threeSyllables {
                brandSyllables.2 = Self.uniform(syllables.count, &random)
            }
        }
        let wordIndex = Self.uniform(industry.words.count, &random)
        let suffixDraw = random.nextDouble()
        let suffixIndex =
            budget >= 2000
            ? (suffixDraw < 0.5 ? 0 : suffixDraw < 0.85 ? 1 : 2)
            : (suffixDraw < 0.1 ? 0 : suffixDraw < 0.3 ? 1 : 2)
        let benchmarkProbability = Self.benchmarkProbability[strategic - 1]
        let benchmark = random.nextDouble() < benchmarkProbability
        let budgetInTenThousands = random.nextDouble() < 0.2

        // Blank cells, from their own stream so that blanking never shifts a value.
        var blankMask: UInt32 = 0
        if !blankNothing {
            for column in Self.optionalColumns
            where blanks.next() < blankThreshold || blankEverything {
                blankMask |= 1 << UInt32(column)
            }
        }
        if let badRow {
            switch badRow.kind {
            case .nonNumericValue: blankMask &= ~(1 << UInt32(Column.budget))
            case .unknownCategory: blankMask &= ~(1 << UInt32(Column.creditRating))
            case .misplacedUnit: blankMask &= ~(1 << UInt32(Column.share))
            case .missingField, .duplicateAccountID: break
            }
        }

        // Write the line.
        let kind = badRow?.kind
        buffer.append(contentsOf: Self.accountPrefix)
        buffer.appendZeroPadded(kind == .duplicateAccountID ? (badRow?.duplicatedRow ?? row) : row)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: regionCities[regionIndex][cityIndex])
        if let group {
            buffer.append(contentsOf: groupBrands[group])
        } else {
            buffer.append(contentsOf: syllables[brandSyllables.0])
            buffer.append(contentsOf: syllables[brandSyllables.1])
            if brandSyllables.2 >= 0 {
                buffer.append(contentsOf: syllables[brandSyllables.2])
            }
        }
        buffer.append(contentsOf: industryWords[industryIndex][wordIndex])
        buffer.append(contentsOf: companySuffixes[suffixIndex])

        func cell(_ column: Int) -> Bool {
            buffer.append(UInt8(ascii: ","))
            guard blankMask & (1 << UInt32(column)) != 0 else { return true }
            // Which missing code: 8 of 16 write an empty cell, the named codes 2 of 16 each.
            let code = Int(truncatingIfNeeded: blanks.next() >> 60)
            if code >= 8 {
                buffer.append(contentsOf: missingCodes[1 + (code - 8) / 2])
            }
            return false
        }

        if cell(Column.industry) { buffer.append(contentsOf: industryNames[industryIndex]) }
        if cell(Column.region) { buffer.append(contentsOf: regionNames[regionIndex]) }
        if cell(Column.manager) { buffer.append(contentsOf: managerNames[manager]) }
        if cell(Column.stage) { buffer.appendDecimal(stage) }
        if cell(Column.budget) {
            if kind == .nonNumericValue {
                buffer.append(contentsOf: Self.about)
                buffer.appendDecimal(budget)
            } else if budgetInTenThousands {
                buffer.appendDecimal(budget)
                buffer.append(contentsOf: Self.tenThousand)
            } else if budget >= 1000 {
                buffer.append(UInt8(ascii: "\""))
                buffer.appendGroupedThousands(budget)
                buffer.append(UInt8(ascii: "\""))
            } else {
                buffer.appendDecimal(budget)
            }
        }
        if cell(Column.share) {
            buffer.appendDecimal(share)
            if kind == .misplacedUnit {
                buffer.append(contentsOf: Self.tenThousand)
            } else {
                buffer.append(UInt8(ascii: "%"))
            }
        }
        if cell(Column.strategic) { buffer.appendDecimal(strategic) }
        if kind != .missingField {
            if cell(Column.serviceFit) { buffer.appendDecimal(serviceFit) }
        }
        if cell(Column.margin) {
            buffer.appendDecimal(marginHalves / 2)
            if marginHalves % 2 == 1 {
                buffer.append(contentsOf: Self.pointFive)
            }
            buffer.append(UInt8(ascii: "%"))
        }
        if cell(Column.developmentCost) {
            buffer.appendDecimal(costTenths / 10)
            buffer.append(UInt8(ascii: "."))
            buffer.append(UInt8(ascii: "0") + UInt8(costTenths % 10))
        }
        if cell(Column.dealRisk) { buffer.appendDecimal(dealRisk) }
        if cell(Column.incumbent) { buffer.appendDecimal(incumbent) }
        if cell(Column.creditRating) {
            if kind == .unknownCategory {
                buffer.append(UInt8(ascii: "Z"))
            } else {
                buffer.append(contentsOf: creditRatings[ratingIndex])
            }
        }
        if cell(Column.paymentDelay) { buffer.appendDecimal(paymentDelay) }
        if cell(Column.tech) { buffer.appendDecimal(tech) }
        if cell(Column.decisionCycle) { buffer.appendDecimal(decisionCycle) }
        if cell(Column.insideContact) {
            buffer.append(contentsOf: insideContact ? Self.yes : Self.no)
        }
        if cell(Column.support) { buffer.appendDecimal(support) }
        if cell(Column.dealValue) { buffer.appendDecimal(dealValue) }
        if cell(Column.cumulative) { buffer.appendDecimal(cumulative) }
        if cell(Column.largestContract) { buffer.appendDecimal(largestContract) }
        if cell(Column.paymentRecord) { buffer.append(contentsOf: paymentRecords[paymentRecord]) }
        if cell(Column.referrals) { buffer.appendDecimal(referrals) }
        if cell(Column.parentGroup), let group { buffer.append(contentsOf: groupNames[group]) }
        if cell(Column.benchmark) { buffer.append(contentsOf: benchmark ? Self.yes : Self.no) }
        buffer.append(contentsOf: lineEnding)
    }

    // MARK: - Drawing helpers

    /// The chance of an inside contact (内线) at stages 1...5.
    private static let insideContactProbability = [0.10, 0.35, 0.55, 0.70, 0.85]
    /// The chance of being an industry benchmark at strategic importance 1...5.
    private static let benchmarkProbability = [0.015, 0.015, 0.015, 0.07, 0.25]

    private static let accountPrefix = Array("K-".utf8)
    private static let pointFive = Array(".5".utf8)
    private static let about = Array("about ".utf8)
    private static let tenThousand = Array("万".utf8)
    private static let yes = Array("yes".utf8)
    private static let no = Array("no".utf8)

    /// A uniform integer in `0 ..< count` from the high word of `next() × count`.
    ///
    /// Lemire's multiply-shift without the rejection step: the bias is below
    /// `count / 2^64`, invisible here, and the draw count is always one, which keeps the
    /// stream's alignment independent of the values.
    static func uniform(_ count: Int, _ random: inout SeededRandom) -> Int {
        Int(truncatingIfNeeded: random.next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// The index of the first cumulative weight above a uniform draw.
    private static func pick(_ cumulativeWeights: [Double], _ random: inout SeededRandom) -> Int {
        let draw = random.nextDouble()
        var index = 0
        while index < cumulativeWeights.count - 1 && draw >= cumulativeWeights[index] {
            index += 1
        }
        return index
    }

    /// A 1...5 score: `value` rounded and clamped.
    private static func score(_ value: Double) -> Int {
        min(max(Int(value.rounded()), 1), 5)
    }

    /// An annual ad budget rounded the way people state one: to 5 below 200, 10 below
    /// 1,000, 50 below 5,000, else 100.
    private static func niceBudget(_ budget: Double) -> Int {
        let step = budget < 200 ? 5 : budget < 1000 ? 10 : budget < 5000 ? 50 : 100
        return Int((budget / Double(step)).rounded()) * step
    }

    /// e^x for |x| < 700, from IEEE basic operations only, so that it gives the same bits
    /// on every platform (the C library's `exp` may differ in the last bit).
    ///
    /// x = k·ln 2 + r with |r| ≤ ln 2 / 2 (fdlibm's two-part ln 2, so k·ln2High is exact),
    /// e^r by its Taylor series to r¹⁴ (truncation below 10⁻¹⁷), scaled by 2^k exactly.
    /// Relative error below 10⁻¹⁵.
    static func exponential(_ x: Double) -> Double {
        precondition(abs(x) < 700, "exponential is only for arguments below 700 in magnitude")
        let ln2High = 6.931_471_803_691_238_164_90e-01
        let ln2Low = 1.908_214_929_270_587_700_02e-10
        let k = (x * 1.442_695_040_888_963_4).rounded()
        let r = (x - k * ln2High) - k * ln2Low
        var series = 1.0 / 87_178_291_200  // 1/14!
        series = series * r + 1.0 / 6_227_020_800
        series = series * r + 1.0 / 479_001_600
        series = series * r + 1.0 / 39_916_800
        series = series * r + 1.0 / 3_628_800
        series = series * r + 1.0 / 362_880
        series = series * r + 1.0 / 40_320
        series = series * r + 1.0 / 5040
        series = series * r + 1.0 / 720
        series = series * r + 1.0 / 120
        series = series * r + 1.0 / 24
        series = series * r + 1.0 / 6
        series = series * r + 0.5
        series = series * r + 1
        series = series * r + 1
        return Double(sign: .plus, exponent: Int(k), significand: series)
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` in decimal, with a leading `-` when negative.
    fileprivate mutating func appendDecimal(_ value: Int) {
        var magnitude = value.magnitude
        if value < 0 { append(UInt8(ascii: "-")) }
        if magnitude < 10 {
            append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    /// Appends a nonnegative `value` in decimal, zero-padded to at least 6 digits.
    fileprivate mutating func appendZeroPadded(_ value: Int) {
        var width = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            width += 1
        }
        for _ in width..<Swift.max(width, 6) { append(UInt8(ascii: "0")) }
        appendDecimal(value)
    }

    /// Appends a nonnegative `value` with a comma between groups of three digits
    /// (`12,500`).
    fileprivate mutating func appendGroupedThousands(_ value: Int) {
        if value < 1000 {
            appendDecimal(value)
            return
        }
        appendGroupedThousands(value / 1000)
        append(UInt8(ascii: ","))
        let rest = value % 1000
        append(UInt8(ascii: "0") + UInt8(rest / 100))
        append(UInt8(ascii: "0") + UInt8(rest / 10 % 10))
        append(UInt8(ascii: "0") + UInt8(rest % 10))
    }
}
