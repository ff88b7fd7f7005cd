import ScoringEngine

extension Factor {
    /// The factor as the reports name it in a sentence or a table cell: its Chinese label in
    /// Chinese, its id (as the model file and the CSV columns spell it) in English.
    func name(in language: Language) -> String {
        language == .zh ? label.zh : id
    }
}

extension Factor.Side {
    /// The side as a table column shows it: `value` or `diff` (价值 or 难度 in Chinese).
    func shortText(_ language: Language) -> String {
        self == .value ? (language == .zh ? "价值" : "value") : (language == .zh ? "难度" : "diff")
    }
}
