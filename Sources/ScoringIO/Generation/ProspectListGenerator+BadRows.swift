extension ProspectListGenerator {
    /// A row written wrong on purpose, so that validation and reject reports have
    /// something to find.
    ///
    /// Apart from its one fault a bad row is an ordinary row: no other cell of the faulty
    /// column is blanked, and its values come from the same random draws a good row would
    /// use.
    public struct BadRow: Equatable, Sendable, CustomStringConvertible {
        /// What is wrong with a bad row. Bad rows cycle through the kinds in this order.
        public enum Kind: String, CaseIterable, Equatable, Sendable {
            /// The row has one field fewer than the header: `service_fit` is left out.
            case missingField = "missing_field"
            /// `annual_ad_budget` is text where a number is needed, like `about 500`.
            case nonNumericValue = "non_numeric_value"
            /// `account_id` repeats the id of an earlier good row.
            case duplicateAccountID = "duplicate_account_id"
            /// `credit_rating` is `Z`, which is not a rating.
            case unknownCategory = "unknown_category"
            /// `expected_share` carries a money unit instead of a percent, like `35万`.
            case misplacedUnit = "misplaced_unit"

            /// The column whose cell is wrong (for `.missingField`, the one left out).
            public var column: String {
                switch self {
                case .missingField: return "service_fit"
                case .nonNumericValue: return "annual_ad_budget"
                case .duplicateAccountID: return "account_id"
                case .unknownCategory: return "credit_rating"
                case .misplacedUnit: return "expected_share"
                }
            }
        }

        /// The data row, 1 for the first row after the header.
        public let row: Int
        /// What is wrong with it.
        public let kind: Kind
        /// For `.duplicateAccountID`, the earlier row whose `account_id` is repeated.
        public let duplicatedRow: Int?

        /// The line in the file, counting the header as line 1.
        public var line: Int { row + 1 }

        public var description: String {
            switch kind {
            case .missingField:
                return "line \(line): one field too few (service_fit is left out)"
            case .nonNumericValue:
                return "line \(line): annual_ad_budget is text, not a number"
            case .duplicateAccountID:
                return "line \(line): account_id repeats line \((duplicatedRow ?? 0) + 1)"
            case .unknownCategory:
                return "line \(line): credit_rating is 'Z', not a rating"
            case .misplacedUnit:
                return "line \(line): expected_share is in 万 instead of percent"
            }
        }
    }

    /// The deliberately bad rows this generator writes, in file order.
    ///
    /// Bad row `i` (from 0) is of kind `Kind.allCases[i % 5]` and sits in the middle of
    /// the `i`-th of `badRows` equal slices of the list: row `⌊(2i + 1)·rows / (2·badRows)⌋ + 1`.
    /// With 300 rows and 5 bad rows that is rows 31, 91, 151, 211 and 271 (lines 32, 92,
    /// 152, 212 and 272). A duplicate id repeats the nearest earlier row that is not bad.
    public var badRows: [BadRow] {
        let rowCount = options.rows
        let count = options.badRows
        guard count > 0 else { return [] }
        let positions = (0..<count).map { index in
            (2 * index + 1) * rowCount / (2 * count) + 1
        }
        let badPositions = Set(positions)
        return positions.enumerated().map { index, row in
            let kind = BadRow.Kind.allCases[index % BadRow.Kind.allCases.count]
            var duplicated: Int?
            if kind == .duplicateAccountID {
                var earlier = row - 1
                while earlier > 1 && badPositions.contains(earlier) {
                    earlier -= 1
                }
                duplicated = max(earlier, 1)
            }
            return BadRow(row: row, kind: kind, duplicatedRow: duplicated)
        }
    }
}
