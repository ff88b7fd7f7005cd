import Foundation
import ScoringEngine
import Yams

/// Writes a copy of a model file with new factor weights, leaving every other byte as it was
/// except the weights of scenarios, which follow them: a scenario weight `s` for a factor
/// whose weight goes from `w` to `w′` becomes `w′ · s / w` (see
/// ``ScoringModel/replacing(name:factors:grading:calibration:)``).
///
/// The file is not re-serialized: Yams parses it only to find where each factor's `weight:`
/// value sits (its node mark: line and column), and that token alone is replaced in the
/// original text, so comments, key order, quoting, blank lines and line endings survive.
/// The copy is read back with ``ModelFileReader`` and its weights compared with the
/// intended ones before it is returned.
public struct ModelWeightWriter: Sendable {
    /// Decimals written for each weight (trailing zeros dropped).
    public let digits: Int

    public init(digits: Int = 4) {
        precondition(digits >= 1 && digits <= 12, "ModelWeightWriter digits must be 1...12")
        self.digits = digits
    }

    /// The text of `yaml` with the weight of each factor id in `weights` replaced.
    ///
    /// - Parameters:
    ///   - yaml: The model file's text.
    ///   - file: Its name, for errors.
    ///   - weights: New weight per factor id (≥ 0, finite); factors not named keep theirs.
    /// - Returns: The rewritten text.
    /// - Throws: ``WeightsFileError`` when the text is not a valid model, a factor has no
    ///   `weight:` value to replace, or the copy does not read back with the new weights.
    public func rewrite(yaml: String, file: String, weights: [String: Double]) throws(WeightsFileError) -> String {
        let original: ScoringModel
        do {
            original = try ModelFileReader().read(yaml: yaml, file: file)
        } catch {
            throw WeightsFileError(file: file, line: error.line, message: error.message)
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw WeightsFileError(file: file, message: "the model file is empty.") }
            root = node
        } catch let error as WeightsFileError {
            throw error
        } catch {
            throw WeightsFileError(file: file, message: "not valid YAML: \(error)")
        }
        guard let factorNodes = root.mapping?["factors"]?.sequence else {
            throw WeightsFileError(file: file, message: "the model has no 'factors' list.")
        }
        // (line, column, text) of each replacement, 1-based line and column in Unicode scalars.
        var edits: [(line: Int, column: Int, text: String)] = []
        for factorNode in factorNodes {
            guard let map = factorNode.mapping, let id = map["id"]?.scalar?.string, let weight = weights[id] else { continue }
            precondition(weight.isFinite && weight >= 0, "New weights must be finite and at least 0")
            guard let weightNode = map["weight"], weightNode.scalar != nil, let mark = weightNode.mark else {
                throw WeightsFileError(
                    file: file, line: factorNode.mark?.line ?? 0,
                    message: "factor '\(id)' has no 'weight:' value to replace; add one.")
            }
            edits.append((mark.line, mark.column, Self.format(weight, digits: digits)))
        }
        let missing = Set(weights.keys).subtracting(original.factors.map(\.id))
        precondition(missing.isEmpty, "Weights for factors the model lacks: \(missing.sorted())")
        // Scenarios follow the new weights (``ScoringModel/replacing(name:factors:grading:calibration:)``):
        // each scenario weight keeps its ratio to its factor's declared weight.
        let rescaled: ScoringModel
        do {
            rescaled = try original.replacing(
                factors: original.factors.enumerated().map { index, factor in
                    factor.withWeight(weights[factor.id] ?? original.declaredWeights[index])
                })
        } catch {
            throw WeightsFileError(file: file, message: "the new weights do not make a valid model: \(error)")
        }
        let scenarioNodes = root.mapping?["scenarios"]?.sequence.map(Array.init) ?? []
        for (scenarioNode, (old, new)) in zip(scenarioNodes, zip(original.scenarios, rescaled.scenarios)) {
            guard let pairs = scenarioNode.mapping?["weights"]?.mapping else { continue }
            for (key, value) in pairs {
                guard let id = key.scalar?.string, let newWeight = new.weights[id], newWeight != old.weights[id],
                    let mark = value.mark
                else { continue }
                edits.append((mark.line, mark.column, Self.format(newWeight, digits: digits)))
            }
        }
        // Later columns first, so that an edit does not move the ones before it on its line.
        edits.sort { ($0.line, -$0.column) < ($1.line, -$1.column) }

        // Split keeping each line's terminator, so \r\n and a missing final newline survive.
        var lines = Self.linesKeepingTerminators(yaml)
        for edit in edits {
            let index = edit.line - 1
            guard index >= 0, index < lines.count else {
                throw WeightsFileError(file: file, line: edit.line, message: "cannot locate the weight value to replace.")
            }
            var scalars = Array(lines[index].unicodeScalars)
            let start = edit.column - 1
            guard start >= 0, start < scalars.count else {
                throw WeightsFileError(file: file, line: edit.line, message: "cannot locate the weight value to replace.")
            }
            let end = Self.tokenEnd(scalars, from: start)
            scalars.replaceSubrange(start..<end, with: Array(edit.text.unicodeScalars))
            var rebuilt = String.UnicodeScalarView()
            rebuilt.append(contentsOf: scalars)
            lines[index] = String(rebuilt)
        }
        let result = lines.joined()

        // Read the copy back: every factor must carry the intended weight (to the digits written).
        let check: ScoringModel
        do {
            check = try ModelFileReader().read(yaml: result, file: file)
        } catch {
            throw WeightsFileError(file: file, line: error.line, message: "the rewritten model does not read back: \(error.message)")
        }
        for (written, intended) in zip(check.scenarios, rescaled.scenarios) {
            for (id, weight) in intended.weights {
                guard let value = written.weights[id], abs(value - weight) <= 0.5 * pow(10, -Double(digits)) + 1e-12 else {
                    throw WeightsFileError(
                        file: file,
                        message:
                            "the rewritten model has scenario '\(intended.name)' weight \(written.weights[id] ?? .nan) for '\(id)' instead of \(weight); the file was not written."
                    )
                }
            }
        }
        for (index, factor) in original.factors.enumerated() {
            let intended = weights[factor.id] ?? original.declaredWeights[index]
            let written = check.declaredWeights[index]
            let tolerance = weights[factor.id] == nil ? 0 : 0.5 * pow(10, -Double(digits)) + 1e-12
            guard abs(written - intended) <= tolerance else {
                throw WeightsFileError(
                    file: file,
                    message:
                        "the rewritten model has weight \(written) for '\(factor.id)' instead of \(intended); the file was not written.")
            }
        }
        return result
    }

    /// `value` with `digits` decimals, trailing zeros dropped ("0.25", "0.1234", "0").
    static func format(_ value: Double, digits: Int) -> String {
        var text = formatDecimal(value, digits: digits)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// The end (exclusive) of the YAML scalar token starting at `start`: a quoted scalar up
    /// to its closing quote, a plain one up to whitespace, `,`, `}`, `]` or `#`.
    static func tokenEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        let first = scalars[start]
        if first == "\"" || first == "'" {
            var index = start + 1
            while index < scalars.count {
                if scalars[index] == "\\" && first == "\"" {
                    index += 2
                    continue
                }
                if scalars[index] == first {
                    if first == "'" && index + 1 < scalars.count && scalars[index + 1] == "'" {
                        index += 2
                        continue
                    }
                    return index + 1
                }
                index += 1
            }
            return scalars.count
        }
        var index = start
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == " " || scalar == "\t" || scalar == "," || scalar == "}" || scalar == "]" || scalar == "#"
                || scalar == "\n" || scalar == "\r"
            {
                break
            }
            index += 1
        }
        return index
    }

    /// The lines of `text`, each with its own terminator (`\n`, `\r\n` or none at the end).
    static func linesKeepingTerminators(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            current.append(scalar)
            if scalar == "\n" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }
}
