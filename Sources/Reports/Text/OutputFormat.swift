/// The text formats every report renders to: `--format table|markdown|csv|json`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table
    case markdown
    case csv
    case json
}
