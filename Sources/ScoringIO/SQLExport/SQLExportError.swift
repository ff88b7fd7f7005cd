/// Why a model cannot be exported as SQL. The exporter refuses what it cannot express
/// exactly; it never writes an approximation.
public enum SQLExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A factor's scale is of a kind the exporter does not know.
    case unsupportedScale(factor: String, kind: String)
    /// A part of the model (a field the exporter was not written for, such as a future
    /// interaction table) that scoring would use and the SQL would leave out.
    case unsupportedModelPart(owner: String, part: String)
    /// A calibration method the exporter does not know.
    case unsupportedCalibration(method: String)
    /// The model reads account ids from line numbers, which a table does not have.
    case lineNumberIDs
    /// The scenario named for grades and ranking is not in the model.
    case unknownScenario(name: String, known: [String])

    public var description: String {
        switch self {
        case .unsupportedScale(let factor, let kind):
            return "factor '\(factor)' has a '\(kind)' scale, which the SQL export does not support; "
                + "nothing was written (an approximation would score differently from kam rank)."
        case .unsupportedModelPart(let owner, let part):
            return "\(owner) has '\(part)', which the SQL export does not support; nothing was written "
                + "(leaving it out would score differently from kam rank)."
        case .unsupportedCalibration(let method):
            return "the model's '\(method)' calibration is not supported by the SQL export; nothing was written."
        case .lineNumberIDs:
            return "the model takes account ids from line numbers (id: @line), which a table does not have; "
                + "give the model an id column to export it as SQL."
        case .unknownScenario(let name, let known):
            return "the model has no scenario '\(name)'; it defines: \(known.joined(separator: ", "))."
        }
    }
}
