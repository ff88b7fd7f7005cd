/// The SQL engines a model can be exported to, and how each one spells the few things
/// that differ between them.
///
/// Every construct the exporter writes is one of these spellings or plain ANSI SQL
/// (`CASE`, `WITH`, `LEAST`, `GREATEST`, `ln`, `exp`, `COALESCE`, `CROSS JOIN`, window
/// functions). Regular expressions use only bracket classes, `|`, `?`, `*`, `+`, `{m,n}`
/// and anchors, which RE2 (DuckDB), `java.util.regex` (Spark) and PostgreSQL's ARE read the
/// same way, and no backslash, so Spark's escaped string literals cannot change them.
public enum SQLDialect: String, Sendable, CaseIterable, Codable {
    case duckdb
    case spark
    case postgres

    /// A column or alias name, quoted.
    func identifier(_ name: String) -> String {
        switch self {
        case .spark: return "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
        case .duckdb, .postgres: return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    /// A string literal.
    func string(_ text: String) -> String {
        switch self {
        case .spark:
            // Spark reads backslash escapes in literals (spark.sql.parser.escapedStringLiterals
            // is off by default).
            return "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        case .duckdb, .postgres:
            return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }

    /// How a layer of the `WITH` query is introduced. PostgreSQL inlines a common table
    /// expression used once into the query that reads it, so each layer's expressions are
    /// copied into the next and evaluated again for every reference (a parsed cell is
    /// referenced by its check, its utility and every score), and it may re-run the means
    /// aggregate once per row in a nested loop: 20,000 rows took 213 s. `MATERIALIZED`
    /// (PostgreSQL 12 and later) computes each layer once: the same rows took 3.8 s with
    /// byte-identical output. DuckDB was not faster with it, and Spark has no such keyword.
    func commonTable(_ name: String) -> String {
        self == .postgres ? "\(name) AS MATERIALIZED" : "\(name) AS"
    }

    /// The name of the double-precision type.
    var doubleType: String { self == .postgres ? "DOUBLE PRECISION" : "DOUBLE" }
    /// The name of the text type.
    var textType: String {
        switch self {
        case .duckdb: return "VARCHAR"
        case .spark: return "STRING"
        case .postgres: return "TEXT"
        }
    }

    /// A double literal with exactly the bits of `value`: the shortest round-tripping
    /// decimal, read by the engine's correctly rounded text-to-double cast (a bare `0.4` is
    /// a DECIMAL in DuckDB and PostgreSQL, and arithmetic on decimals rounds differently).
    func double(_ value: Double) -> String {
        precondition(value.isFinite, "SQL literals are finite numbers")
        return "CAST('\(value)' AS \(doubleType))"
    }

    /// Whether `text` matches the regular expression `pattern` (anchor it to match whole).
    func matches(_ text: String, _ pattern: String) -> String {
        switch self {
        case .duckdb: return "regexp_matches(\(text), \(string(pattern)))"
        case .spark: return "(\(text) RLIKE \(string(pattern)))"
        case .postgres: return "(\(text) ~ \(string(pattern)))"
        }
    }

    /// Capture group `group` (0: the whole match) of the first match of `pattern` in
    /// `text`; empty text when it does not match.
    func extract(_ text: String, _ pattern: String, group: Int) -> String {
        switch self {
        case .duckdb, .spark: return "regexp_extract(\(text), \(string(pattern)), \(group))"
        case .postgres:
            let wrapped = group == 0 ? "(\(pattern))" : pattern
            return "COALESCE(substring(\(text) from \(string(wrapped))), '')"
        }
    }

    /// `text` as the engine's text type (numbers and NULLs of a typed column too).
    func castText(_ expression: String) -> String { "CAST(\(expression) AS \(textType))" }

    /// Text known to hold a decimal number, as a double (correctly rounded in all three).
    func castDouble(_ expression: String) -> String { "CAST(\(expression) AS \(doubleType))" }

    /// An integer cast of text known to hold at most a few digits.
    func castInteger(_ expression: String) -> String { "CAST(\(expression) AS INTEGER)" }

    /// The ASCII characters a character class for "a tab" needs (the exporter replaces tabs
    /// with spaces before trimming).
    var tab: String { "chr(9)" }

    /// `text` with spaces trimmed at both ends.
    func trimSpaces(_ text: String) -> String {
        switch self {
        case .duckdb: return "trim(\(text), ' ')"
        case .spark: return "trim(BOTH ' ' FROM \(text))"
        case .postgres: return "btrim(\(text), ' ')"
        }
    }
}

extension SQLDialect {
    /// Whether a double is NaN (engines disagree on whether NaN equals itself).
    func isNaN(_ expression: String) -> String {
        switch self {
        case .duckdb, .spark: return "isnan(\(expression))"
        case .postgres: return "(\(expression) = CAST('NaN' AS DOUBLE PRECISION))"
        }
    }
}
