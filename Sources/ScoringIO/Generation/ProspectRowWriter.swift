import ScoringEngine

/// Draws one prospect at a time and appends it to a byte buffer as a CSV line.
///
/// This is the hot loop of `ProspectListGenerator`. Every word is turned into UTF-8 once,
/// in `init`, into one byte pool; a row is drawn into a `Prospect` of plain numbers and
/// then written through an `OutputSpan` straight into the output buffer, digit by digit,
/// with no string building, no per-row allocation and no reference counting.
///
/// The model behind the values, with `z` the account's latent size (a standard normal)
/// and each `g` a fresh approximately normal draw (coefficients in `drawProspect`):
///
/// - budget = e^(ln 320 + industry offset + 1.05·z), 50...20,000 万元, rounded to 5/10/50/100;
/// - strategic importance and incumbent strength rise with `z`;
/// - expected share rises with service fit and stage, falls with incumbent strength;
/// - deal value ≈ budget × share, never above the budget;
/// - development cost and decision cycle grow with size, difficulty and the industry;
/// - inside contact and support grow with stage; deal risk falls with them;
/// - credit rating follows a latent credit quality; payment delay and record follow it;
/// - cumulative consumption is 0 for most, otherwise a few years of part of the budget.
//
// A final class rather than a struct: the row is written inside a closure, and capturing a
// class instance costs one retain where a struct of twenty arrays costs twenty.
final class ProspectRowWriter: Sendable {
    private typealias Vocabulary = ProspectVocabulary

    /// The numeric part of `ProspectVocabulary.Industry`: copying it costs no retain.
    private struct IndustryTendency {
        var budgetOffset: Double
        var serviceFitOffset: Double
        var techOffset: Double
        var cycleOffset: Double
        var creditOffset: Double
        var wordCount: Int
    }

    /// The bytes of one word in `pool`.
    private struct Word {
        var start: Int
        var count: Int
    }

    /// One drawn row, before it is written. Indexes point into the writer's tables.
    struct Prospect {
        var industry = 0
        var industryLabel = 0  // index into `industryNames`: the industry, or a relabel
        var region = 0
        var city = 0  // index into `cities`
        var manager = 0
        var stage = 1
        var budget = 0
        var budgetInTenThousands = false
        var share = 0
        var strategic = 0
        var serviceFit = 0
        var marginHalves = 0
        var costTenths = 0
        var dealRisk = 0
        var incumbent = 0
        var rating = 0
        var paymentDelay = 0
        var tech = 0
        var decisionCycle = 0
        var insideContact = false
        var support = 0
        var dealValue = 0
        var cumulative = 0
        var largestContract = 0
        var paymentRecord = 0
        var referrals = 0
        var group = -1  // -1: none
        var brand = (0, 0, -1)  // syllable indexes; -1: no third syllable
        var industryWord = 0  // index into `industryWords`
        var suffix = 0
        var benchmark = false
    }

    /// The cells of one row written as missing, each with a code 0...15 that picks the
    /// missing code. 4 bits per column in two words: 27 columns need 108 bits.
    struct BlankCells {
        private var low: UInt64 = 0  // columns 0...15
        private var high: UInt64 = 0  // columns 16...31
        private var mask: UInt32 = 0

        mutating func set(_ column: Int, code: Int) {
            mask |= 1 << UInt32(column)
            let shift = UInt64(4 * (column % 16))
            if column < 16 {
                low |= UInt64(code) << shift
            } else {
                high |= UInt64(code) << shift
            }
        }

        mutating func clear(_ column: Int) {
            mask &= ~(1 << UInt32(column))
        }

        func code(_ column: Int) -> Int? {
            guard mask & (1 << UInt32(column)) != 0 else { return nil }
            let word = column < 16 ? low : high
            return Int(truncatingIfNeeded: (word >> UInt64(4 * (column % 16))) & 0xF)
        }
    }

    // Column positions.
    enum Column {
        static let industry = 2, region = 3, manager = 4, stage = 5, budget = 6, share = 7
        static let strategic = 8, serviceFit = 9, margin = 10, developmentCost = 11
        static let dealRisk = 12, incumbent = 13, creditRating = 14, paymentDelay = 15
        static let tech = 16, decisionCycle = 17, insideContact = 18, support = 19
        static let dealValue = 20, cumulative = 21, largestContract = 22, paymentRecord = 23
        static let referrals = 24, parentGroup = 25, benchmark = 26
    }

    /// Columns that may be written missing: all but account_id, name and parent_group.
    private static let optionalColumns: [Int] = Array(2...24) + [26]

    /// More than the longest row can take; a longer row would trap in `OutputSpan`.
    private static let rowCapacity = 1024

    // All words, as UTF-8, back to back; tables below hold `Word`s into it. One flat
    // array rather than arrays of arrays: indexing it costs no retain or release.
    private let pool: [UInt8]
    private let industryTendencies: [IndustryTendency]
    private let industryNames: [Word]
    private let industryWords: [Word]
    private let industryWordStart: [Int]
    private let industryCumulativeWeights: [Double]
    private let regionNames: [Word]
    private let cities: [Word]
    private let regionCityStart: [Int]
    private let regionCityCount: [Int]
    private let regionTerritoryManager: [Int]
    private let regionCumulativeWeights: [Double]
    private let managerNames: [Word]
    private let stageCumulativeWeights: [Double]
    private let syllables: [Word]
    private let companySuffixes: [Word]
    private let groupBrands: [Word]
    private let groupNames: [Word]
    private let creditRatings: [Word]
    private let paymentRecords: [Word]
    private let missingCodes: [Word]
    private let fixed: [Word]  // see FixedWord
    private let lineEnding: [UInt8]

    private enum FixedWord {
        static let accountPrefix = 0, about = 1, tenThousand = 2, yes = 3, no = 4
        static let pointFive = 5
        static let texts = ["K-", "about ", "万", "yes", "no", ".5"]
    }

    // A cell is blank when the blank stream's next word is below this threshold.
    private let blankThreshold: UInt64
    private let blankEverything: Bool
    private let blankNothing: Bool

    init(options: GeneratorOptions) {
        var pool: [UInt8] = []
        func word(_ text: String) -> Word {
            let start = pool.count
            pool.append(contentsOf: text.utf8)
            return Word(start: start, count: pool.count - start)
        }
        func cumulative(_ weights: [Double]) -> [Double] {
            let total = weights.reduce(0, +)
            var sum = 0.0
            return weights.map { weight in
                sum += weight
                return sum / total
            }
        }
        func starts(_ counts: [Int]) -> [Int] {
            var start = 0
            return counts.map { count in
                defer { start += count }
                return start
            }
        }
        industryTendencies = Vocabulary.industries.map { industry in
            IndustryTendency(
                budgetOffset: industry.budgetOffset, serviceFitOffset: industry.serviceFitOffset,
                techOffset: industry.techOffset, cycleOffset: industry.cycleOffset,
                creditOffset: industry.creditOffset, wordCount: industry.words.count)
        }
        // The rare label after the real ones, at `rareIndustryLabel`; only the shaped
        // history writer uses it.
        industryNames =
            Vocabulary.industries.map { word($0.name) }
            + [word(ShapedHistoryTruth.rareIndustry)]
        industryWords = Vocabulary.industries.flatMap { $0.words.map(word) }
        industryWordStart = starts(Vocabulary.industries.map(\.words.count))
        industryCumulativeWeights = cumulative(Vocabulary.industries.map(\.weight))
        regionNames = Vocabulary.regions.map { word($0.name) }
        cities = Vocabulary.regions.flatMap { $0.cities.map(word) }
        regionCityCount = Vocabulary.regions.map(\.cities.count)
        regionCityStart = starts(regionCityCount)
        regionTerritoryManager = Vocabulary.regions.map(\.territoryManager)
        regionCumulativeWeights = cumulative(Vocabulary.regions.map(\.weight))
        managerNames = Vocabulary.managers.map(word)
        stageCumulativeWeights = cumulative(Vocabulary.stageWeights)
        syllables = Vocabulary.brandSyllables.map(word)
        companySuffixes = Vocabulary.companySuffixes.map(word)
        creditRatings = Vocabulary.creditRatings.map(word)
        paymentRecords = Vocabulary.paymentRecords.map(word)
        missingCodes = ProspectListGenerator.missingCodes.map(word)
        fixed = FixedWord.texts.map(word)

        // Parent groups come from their own stream (two long jumps from the seed), so the
        // same groups appear whatever the row count.
        var groupRandom = SeededRandom(seed: options.seed).longJumped().longJumped()
        var brands: [Word] = []
        var names: [Word] = []
        var seen = Set<String>()
        let syllableCount = Vocabulary.brandSyllables.count
        while brands.count < Vocabulary.groupCount {
            let first = Self.uniform(syllableCount, &groupRandom)
            let second = Self.uniform(syllableCount, &groupRandom)
            let brand = Vocabulary.brandSyllables[first] + Vocabulary.brandSyllables[second]
            let suffix = Vocabulary.groupSuffixes[
                Self.uniform(Vocabulary.groupSuffixes.count, &groupRandom)]
            guard first != second, seen.insert(brand).inserted else { continue }
            brands.append(word(brand))
            names.append(word(brand + suffix))
        }
        groupBrands = brands
        groupNames = names
        self.pool = pool
        lineEnding = options.lineEnding.bytes

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
    ///   - blanks: The block's stream for blank cells and missing codes.
    ///   - buffer: Receives the line.
    func appendRow(
        _ row: Int,
        badRow: ProspectListGenerator.BadRow?,
        values: inout SeededRandom,
        blanks: inout SeededRandom,
        to buffer: inout [UInt8]
    ) {
        let (prospect, blanked) = drawRow(badRow: badRow, values: &values, blanks: &blanks)
        appendRow(prospect, row: row, badRow: badRow, blanked: blanked, to: &buffer)
    }

    /// The index in `industryNames` of `ShapedHistoryTruth.rareIndustry`.
    static let rareIndustryLabel = ProspectVocabulary.industries.count

    /// The names of the industries, by `Prospect.industryLabel`.
    var industryLabels: [String] {
        industryNames.map { String(decoding: pool[$0.start..<($0.start + $0.count)], as: UTF8.self) }
    }

    /// The names of the credit ratings, by `Prospect.rating`.
    var creditRatingLabels: [String] { ProspectVocabulary.creditRatings }

    /// Draws one row's values and blank cells, as `appendRow(_:badRow:values:blanks:to:)`
    /// does before writing them.
    func drawRow(
        badRow: ProspectListGenerator.BadRow?,
        values: inout SeededRandom,
        blanks: inout SeededRandom
    ) -> (Prospect, BlankCells) {
        let prospect = drawProspect(&values)
        // One draw per optional column, whatever is written later, so that a bad row
        // never shifts the blanks of the rows after it.
        var blanked = BlankCells()
        if !blankNothing {
            for column in Self.optionalColumns {
                let draw = blanks.next()
                if draw < blankThreshold || blankEverything {
                    // The low 4 bits are independent of the comparison above.
                    blanked.set(column, code: Int(truncatingIfNeeded: draw & 0xF))
                }
            }
        }
        if let badRow {
            // The faulty cell is written, not blanked.
            switch badRow.kind {
            case .nonNumericValue: blanked.clear(Column.budget)
            case .unknownCategory: blanked.clear(Column.creditRating)
            case .misplacedUnit: blanked.clear(Column.share)
            case .missingField, .duplicateAccountID: break
            }
        }
        return (prospect, blanked)
    }

    /// Appends a drawn row, line ending included.
    func appendRow(
        _ prospect: Prospect,
        row: Int,
        badRow: ProspectListGenerator.BadRow?,
        blanked: BlankCells,
        to buffer: inout [UInt8]
    ) {
        buffer.append(addingCapacity: Self.rowCapacity) { (output: inout OutputSpan<UInt8>) in
            write(prospect, row: row, badRow: badRow, blanked: blanked, to: &output)
        }
    }

    // MARK: - Drawing

    private func drawProspect(_ random: inout SeededRandom) -> Prospect {
        var p = Prospect()
        p.industry = Self.pick(industryCumulativeWeights, &random)
        p.industryLabel = p.industry
        let industry = industryTendencies[p.industry]
        p.region = Self.pick(regionCumulativeWeights, &random)
        p.city = regionCityStart[p.region] + Self.uniform(regionCityCount[p.region], &random)
        p.manager =
            random.nextDouble() < 0.15
            ? Self.uniform(managerNames.count, &random) : regionTerritoryManager[p.region]
        p.stage = Self.pick(stageCumulativeWeights, &random) + 1
        let stageOffset = Double(p.stage - 3)

        // The account's size: a true normal, so that budgets have a log-normal tail.
        let size = random.nextGaussian()
        let rawBudget = SeededRandom.exponential(
            5.768_320_995_793_772 + industry.budgetOffset + 1.05 * size)  // ln 320
        p.budget = Self.niceBudget(min(max(rawBudget, 50), 20_000))
        p.strategic = Self.score(3 + 0.85 * size + 0.75 * Self.noise(&random))
        p.serviceFit = Self.score(3 + industry.serviceFitOffset + 0.9 * Self.noise(&random))
        p.incumbent = Self.score(3 + 0.5 * size + 0.9 * Self.noise(&random))
        let share =
            30 + 7 * Double(p.serviceFit - 3) - 6 * Double(p.incumbent - 3) + 2 * stageOffset
            + 9 * Self.noise(&random)
        p.share = min(max(Self.nearest(share / 5) * 5, 5), 80)
        let margin =
            19 + 2 * Double(p.serviceFit - 3) - 1.5 * Double(p.strategic - 3)
            + 4 * Self.noise(&random)
        p.marginHalves = min(max(Self.nearest(margin * 2), 6), 90)
        p.tech = Self.score(2.6 + industry.techOffset + 0.3 * size + 0.9 * Self.noise(&random))
        let cycle = SeededRandom.exponential(
            1.386_294_361_119_890_6 + industry.cycleOffset + 0.3 * size  // ln 4
                + 0.1 * Double(p.strategic - 3) + 0.5 * Self.noise(&random))
        p.decisionCycle = min(max(Self.nearest(cycle), 1), 24)
        let cost = SeededRandom.exponential(
            2.302_585_092_994_045_7 + 0.45 * size + 0.15 * Double(p.tech - 3)  // ln 10
                + 0.04 * Double(p.decisionCycle - 4) + 0.45 * Self.noise(&random))
        p.costTenths = min(max(Self.nearest(cost * 10), 10), 2000)
        p.insideContact = random.nextDouble() < Self.insideContactProbability[p.stage - 1]
        let support =
            0.25 * stageOffset + (p.insideContact ? 0.6 : -0.4) + 0.9 * Self.noise(&random)
        p.support = min(max(Self.nearest(support), -2), 2)
        p.dealRisk = Self.score(
            3 + 0.45 * Double(p.incumbent - 3) - 0.4 * Double(p.support)
                - (p.insideContact ? 0.3 : 0) - 0.25 * stageOffset + 0.7 * Self.noise(&random))
        let credit = 0.35 * size + industry.creditOffset + Self.noise(&random)
        while p.rating < Vocabulary.creditThresholds.count
            && credit <= Vocabulary.creditThresholds[p.rating]
        {
            p.rating += 1
        }
        let delay = 12 - 18 * credit + 22 * Self.noise(&random)
        p.paymentDelay = min(max(Self.nearest(delay), 0), 180)
        let record = -0.8 * credit + Double(p.paymentDelay) / 30 + 0.5 * Self.noise(&random)
        p.paymentRecord = record < 1.0 ? 0 : record < 2.0 ? 1 : 2
        let dealValue =
            Double(p.budget) * Double(p.share) / 100
            * SeededRandom.exponential(0.15 * Self.noise(&random))
        p.dealValue = min(max(Self.nearest(dealValue), 1), p.budget)

        if random.nextDouble() < 0.25 + 0.05 * Double(p.stage - 1) {
            let years = Double(1 + Self.uniform(5, &random))
            let fraction = 0.05 + 0.45 * random.nextDouble()
            p.cumulative = min(Self.nearest(Double(p.budget) * years * fraction), 30_000)
        }
        if p.cumulative > 0 {
            let part = 0.25 + 0.75 * random.nextDouble()
            p.largestContract = max(Int(Double(p.cumulative) * part), 1)
        }
        let referral = random.nextDouble()
        if p.cumulative > 0 {
            p.referrals = referral < 0.80 ? 0 : referral < 0.92 ? 1 : referral < 0.98 ? 2 : 3
        } else {
            p.referrals = referral < 0.97 ? 0 : referral < 0.995 ? 1 : 2
        }

        // Parent group: about 12%, skewed so that a few groups have many units (the
        // first of 400 takes 5% of the grouped accounts).
        if random.nextDouble() < 0.12 {
            let draw = random.nextDouble()
            p.group = Int(Double(groupBrands.count) * draw * draw)
        } else {
            // Two or three different syllables: draw among those not yet used.
            let threeSyllables = random.nextDouble() < 0.25
            let count = syllables.count
            let first = Self.uniform(count, &random)
            var second = Self.uniform(count - 1, &random)
            if second >= first { second += 1 }
            p.brand.0 = first
            p.brand.1 = second
            if threeSyllables {
                var third = Self.uniform(count - 2, &random)
                if third >= min(first, second) { third += 1 }
                if third >= max(first, second) { third += 1 }
                p.brand.2 = third
            }
        }
        p.industryWord =
            industryWordStart[p.industry] + Self.uniform(industry.wordCount, &random)
        let suffix = random.nextDouble()
        p.suffix =
            p.budget >= 2000
            ? (suffix < 0.5 ? 0 : suffix < 0.85 ? 1 : 2)
            : (suffix < 0.1 ? 0 : suffix < 0.3 ? 1 : 2)
        p.benchmark = random.nextDouble() < Self.benchmarkProbability[p.strategic - 1]
        p.budgetInTenThousands = random.nextDouble() < 0.2
        return p
    }

    // MARK: - Writing

    private func write(
        _ p: Prospect,
        row: Int,
        badRow: ProspectListGenerator.BadRow?,
        blanked: BlankCells,
        to output: inout OutputSpan<UInt8>
    ) {
        let poolBytes = self.pool  // a local copy: a span must not outlive its array
        let pool = poolBytes.span
        let kind = badRow?.kind
        let comma = UInt8(ascii: ",")

        // Starts a cell; writes a missing code and returns false if the cell is blank.
        func cell(_ column: Int, _ output: inout OutputSpan<UInt8>) -> Bool {
            output.append(comma)
            guard let code = blanked.code(column) else { return true }
            // Which missing code: 8 of 16 write an empty cell, the named codes 2 of 16 each.
            if code >= 8 {
                Self.put(missingCodes[1 + (code - 8) / 2], from: pool, to: &output)
            }
            return false
        }

        Self.put(fixed[FixedWord.accountPrefix], from: pool, to: &output)
        let accountNumber = kind == .duplicateAccountID ? (badRow?.duplicatedRow ?? row) : row
        Self.putZeroPadded(accountNumber, to: &output)
        output.append(comma)
        Self.put(cities[p.city], from: pool, to: &output)
        if p.group >= 0 {
            Self.put(groupBrands[p.group], from: pool, to: &output)
        } else {
            Self.put(syllables[p.brand.0], from: pool, to: &output)
            Self.put(syllables[p.brand.1], from: pool, to: &output)
            if p.brand.2 >= 0 {
                Self.put(syllables[p.brand.2], from: pool, to: &output)
            }
        }
        Self.put(industryWords[p.industryWord], from: pool, to: &output)
        Self.put(companySuffixes[p.suffix], from: pool, to: &output)

        if cell(Column.industry, &output) {
            Self.put(industryNames[p.industryLabel], from: pool, to: &output)
        }
        if cell(Column.region, &output) {
            Self.put(regionNames[p.region], from: pool, to: &output)
        }
        if cell(Column.manager, &output) {
            Self.put(managerNames[p.manager], from: pool, to: &output)
        }
        if cell(Column.stage, &output) { Self.putDecimal(p.stage, to: &output) }
        if cell(Column.budget, &output) {
            if kind == .nonNumericValue {
                Self.put(fixed[FixedWord.about], from: pool, to: &output)
                Self.putDecimal(p.budget, to: &output)
            } else if p.budgetInTenThousands {
                Self.putDecimal(p.budget, to: &output)
                Self.put(fixed[FixedWord.tenThousand], from: pool, to: &output)
            } else if p.budget >= 1000 {
                output.append(UInt8(ascii: "\""))
                Self.putGroupedThousands(p.budget, to: &output)
                output.append(UInt8(ascii: "\""))
            } else {
                Self.putDecimal(p.budget, to: &output)
            }
        }
        if cell(Column.share, &output) {
            Self.putDecimal(p.share, to: &output)
            if kind == .misplacedUnit {
                Self.put(fixed[FixedWord.tenThousand], from: pool, to: &output)
            } else {
                output.append(UInt8(ascii: "%"))
            }
        }
        if cell(Column.strategic, &output) { Self.putDecimal(p.strategic, to: &output) }
        if kind != .missingField {
            if cell(Column.serviceFit, &output) { Self.putDecimal(p.serviceFit, to: &output) }
        }
        if cell(Column.margin, &output) {
            Self.putDecimal(p.marginHalves / 2, to: &output)
            if p.marginHalves % 2 == 1 {
                Self.put(fixed[FixedWord.pointFive], from: pool, to: &output)
            }
            output.append(UInt8(ascii: "%"))
        }
        if cell(Column.developmentCost, &output) {
            Self.putDecimal(p.costTenths / 10, to: &output)
            output.append(UInt8(ascii: "."))
            output.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: p.costTenths % 10))
        }
        if cell(Column.dealRisk, &output) { Self.putDecimal(p.dealRisk, to: &output) }
        if cell(Column.incumbent, &output) { Self.putDecimal(p.incumbent, to: &output) }
        if cell(Column.creditRating, &output) {
            if kind == .unknownCategory {
                output.append(UInt8(ascii: "Z"))
            } else {
                Self.put(creditRatings[p.rating], from: pool, to: &output)
            }
        }
        if cell(Column.paymentDelay, &output) { Self.putDecimal(p.paymentDelay, to: &output) }
        if cell(Column.tech, &output) { Self.putDecimal(p.tech, to: &output) }
        if cell(Column.decisionCycle, &output) { Self.putDecimal(p.decisionCycle, to: &output) }
        if cell(Column.insideContact, &output) {
            Self.put(fixed[p.insideContact ? FixedWord.yes : FixedWord.no], from: pool, to: &output)
        }
        if cell(Column.support, &output) { Self.putDecimal(p.support, to: &output) }
        if cell(Column.dealValue, &output) { Self.putDecimal(p.dealValue, to: &output) }
        if cell(Column.cumulative, &output) { Self.putDecimal(p.cumulative, to: &output) }
        if cell(Column.largestContract, &output) {
            Self.putDecimal(p.largestContract, to: &output)
        }
        if cell(Column.paymentRecord, &output) {
            Self.put(paymentRecords[p.paymentRecord], from: pool, to: &output)
        }
        if cell(Column.referrals, &output) { Self.putDecimal(p.referrals, to: &output) }
        if cell(Column.parentGroup, &output) && p.group >= 0 {
            Self.put(groupNames[p.group], from: pool, to: &output)
        }
        if cell(Column.benchmark, &output) {
            Self.put(fixed[p.benchmark ? FixedWord.yes : FixedWord.no], from: pool, to: &output)
        }
        for byte in lineEnding {
            output.append(byte)
        }
    }

    private static func put(
        _ word: Word, from pool: Span<UInt8>, to output: inout OutputSpan<UInt8>
    ) {
        for index in word.start..<(word.start + word.count) {
            output.append(pool[index])
        }
    }

    /// Writes `value` in decimal, with a leading `-` when negative.
    private static func putDecimal(_ value: Int, to output: inout OutputSpan<UInt8>) {
        if value < 0 {
            output.append(UInt8(ascii: "-"))
            putDigits(UInt(value.magnitude), to: &output)
        } else {
            putDigits(UInt(value), to: &output)
        }
    }

    // Division by the constant 10 compiles to a multiplication, unlike a loop over a
    // variable power of ten. Most values here have one to three digits: no recursion.
    private static func putDigits(_ value: UInt, to output: inout OutputSpan<UInt8>) {
        let zero = UInt8(ascii: "0")
        if value < 10 {
            output.append(zero &+ UInt8(truncatingIfNeeded: value))
        } else if value < 100 {
            output.append(zero &+ UInt8(truncatingIfNeeded: value / 10))
            output.append(zero &+ UInt8(truncatingIfNeeded: value % 10))
        } else if value < 1000 {
            output.append(zero &+ UInt8(truncatingIfNeeded: value / 100))
            output.append(zero &+ UInt8(truncatingIfNeeded: value / 10 % 10))
            output.append(zero &+ UInt8(truncatingIfNeeded: value % 10))
        } else {
            putDigits(value / 1000, to: &output)
            let rest = value % 1000
            output.append(zero &+ UInt8(truncatingIfNeeded: rest / 100))
            output.append(zero &+ UInt8(truncatingIfNeeded: rest / 10 % 10))
            output.append(zero &+ UInt8(truncatingIfNeeded: rest % 10))
        }
    }

    /// Writes a nonnegative `value` zero-padded to at least 6 digits.
    private static func putZeroPadded(_ value: Int, to output: inout OutputSpan<UInt8>) {
        var threshold = 100_000
        while value < threshold && threshold > 1 {
            output.append(UInt8(ascii: "0"))
            threshold /= 10
        }
        putDigits(UInt(value), to: &output)
    }

    /// Writes a nonnegative `value` with a comma between groups of three digits (`12,500`).
    private static func putGroupedThousands(_ value: Int, to output: inout OutputSpan<UInt8>) {
        if value < 1000 {
            putDigits(UInt(value), to: &output)
            return
        }
        putGroupedThousands(value / 1000, to: &output)
        output.append(UInt8(ascii: ","))
        let rest = value % 1000
        output.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / 100))
        output.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / 10 % 10))
        output.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10))
    }

    // MARK: - Random helpers

    /// The chance of an inside contact (内线) at stages 1...5.
    private static let insideContactProbability = [0.10, 0.35, 0.55, 0.70, 0.85]
    /// The chance of being an industry benchmark at strategic importance 1...5.
    private static let benchmarkProbability = [0.015, 0.015, 0.015, 0.07, 0.25]

    /// A uniform integer in `0 ..< count` from the high word of `next() × count`.
    ///
    /// Lemire's multiply-shift without the rejection step: the bias is below
    /// `count / 2^64`, invisible here, and every call takes exactly one draw.
    static func uniform(_ count: Int, _ random: inout SeededRandom) -> Int {
        Int(truncatingIfNeeded: random.next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// An approximately standard normal draw from one `next()`: the Irwin–Hall sum of its
    /// four 16-bit quarters, centred and scaled to unit variance.
    ///
    /// Bounded at ±√12·(1 − 2^-17) ≈ ±3.46, which suits the noise terms of a data
    /// generator (no absurd outliers) and costs a tenth of a true normal deviate.
    static func noise(_ random: inout SeededRandom) -> Double {
        let bits = random.next()
        let sum =
            (bits & 0xFFFF) + (bits >> 16 & 0xFFFF) + (bits >> 32 & 0xFFFF) + (bits >> 48)
        // Mean of the sum 2·65535; variance 4·(65536² − 1)/12 ≈ 65536²/3.
        return (Double(sum) - 131_070) * (1.732_050_807_568_877_2 / 65_536)
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

    /// `value` rounded to the nearest integer, halves away from zero.
    ///
    /// The same as `Int(value.rounded())` for the magnitudes here, without a call into the
    /// C library's `round`.
    private static func nearest(_ value: Double) -> Int {
        value >= 0 ? Int(value + 0.5) : -Int(0.5 - value)
    }

    /// A 1...5 score: `value` rounded and clamped.
    private static func score(_ value: Double) -> Int {
        min(max(nearest(value), 1), 5)
    }

    /// An annual ad budget rounded the way people state one: to 5 below 200, 10 below
    /// 1,000, 50 below 5,000, else 100.
    private static func niceBudget(_ budget: Double) -> Int {
        let step = budget < 200 ? 5 : budget < 1000 ? 10 : budget < 5000 ? 50 : 100
        return nearest(budget / Double(step)) * step
    }
}
