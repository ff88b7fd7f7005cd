import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// `ModelFileError` keeps what is wrong (`problem`) apart from where (`location`) and from
/// the wording, so a test matches on the case; the wording itself is pinned by the golden
/// files (`Tests/KamTests/Golden/commands/error-model-*.txt`).
@Suite("Model file errors: typed problems with a location")
struct ModelFileErrorTests {
    /// `ModelFileReaderTests.minimal` with `find` replaced by `replacement`.
    static func edited(_ find: String, _ replacement: String) -> String {
        precondition(ModelFileReaderTests.minimal.contains(find), "'\(find)' is not in the minimal model")
        return ModelFileReaderTests.minimal.replacingOccurrences(of: find, with: replacement)
    }

    static func failure(_ yaml: String) -> ModelFileError? {
        do {
            _ = try ModelFileReader().read(yaml: yaml, file: "m.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test("an unknown key names the key, where it is and what is allowed")
    func unknownKey() throws {
        let error = try #require(Self.failure(Self.edited("    weight: 2\n", "    wieght: 2\n")))
        guard case .unknownKey(let key, let what, let allowed) = error.problem else {
            Issue.record("expected .unknownKey, got \(error.problem)")
            return
        }
        #expect(key == "wieght")
        #expect(what == "a factor")
        #expect(allowed.contains("weight"))
        #expect(error.location == ModelFileError.Location(file: "m.yaml", line: 7, key: "wieght"))
        #expect(error.description.hasPrefix("m.yaml, line 7: unknown key 'wieght' in a factor; allowed keys: id, label,"))
    }

    @Test(
        "value problems carry the text and the place",
        arguments: [
            ("weight: 2", "weight: lots", "notANumber"),
            ("weight: 2", "weight: -2", "negativeWeight"),
            ("side: value", "side: valeu", "notAChoice"),
            ("minimum_completeness: 0.5", "minimum_completeness: 1.5", "model"),
            ("name: tiny", "name: [tiny", "invalidYAML"),
        ])
    func cases(find: String, replacement: String, expected: String) throws {
        let error = try #require(Self.failure(Self.edited(find, replacement)))
        let found: String
        switch error.problem {
        case .notANumber(let what, let text):
            #expect(what == "weight for 'share'" && text == "lots")
            found = "notANumber"
        case .negativeWeight(_, let value):
            #expect(value == -2)
            #expect(error.location.key == "weight")
            found = "negativeWeight"
        case .notAChoice(_, let text, let choices):
            #expect(text == "valeu" && choices == ["value", "difficulty"])
            found = "notAChoice"
        case .model(let modelError):
            #expect(modelError == .completenessOutOfRange(1.5))
            found = "model"
        case .invalidYAML: found = "invalidYAML"
        default: found = "other"
        }
        #expect(found == expected, "\(error)")
        #expect(error.line > 0)
    }

    @Test("a missing file is .unreadable at line 0")
    func unreadable() throws {
        do {
            _ = try ModelFileReader().read(contentsOf: "/nonexistent/model.yaml")
            Issue.record("read a missing file")
        } catch {
            #expect(error.problem == .unreadable(kind: "model", option: "--model"))
            #expect(error.line == 0)
            #expect(error.description == "/nonexistent/model.yaml: cannot read the model file; check the path (--model).")
        }
    }

    @Test("a plain message still builds an error (.other) that reads as before")
    func plainMessage() {
        let error = ModelFileError(file: "t.yaml", line: 3, message: "something is off.")
        #expect(error.problem == .other("something is off."))
        #expect(error.description == "t.yaml, line 3: something is off.")
        #expect(error == ModelFileError(.other("something is off."), at: .init(file: "t.yaml", line: 3, key: "x")))
    }
}
