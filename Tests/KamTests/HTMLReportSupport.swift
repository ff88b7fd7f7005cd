import Foundation
import ScoringTestSupport
import Testing

/// Headless Chromium for the report tests: found on the PATH, run with a profile of its own
/// (so tests can run it side by side) and without the sandbox (CI runs as root).
enum Chromium {
    static let path: String? = {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    /// Whether the browser tests run: Chromium is installed, or CI requires the tools.
    static var available: Bool { ProcessInfo.processInfo.environment["KAM_REQUIRE_TOOLS"] == "1" || path != nil }

    /// Runs headless Chromium on `arguments` (plus a fresh profile) in `directory`.
    static func run(_ arguments: [String], in directory: String) throws -> KamRunner.Outcome {
        let binary = try #require(path, "chromium is not installed (apt-get install chromium)")
        let profile = directory + "/chromium-profile-" + UUID().uuidString
        return try KamRunner.runShell(
            "exec \"$0\" \"$@\"",
            arguments: [
                binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                "--user-data-dir=\(profile)",
            ] + arguments, in: directory)
    }
}

/// A report with every section and the JSON outputs of the commands it must agree with, made
/// once in a scratch folder from the bundled sample files.
struct ReportFixture: Sendable {
    let directory: String
    let html: String
    let htmlPath: String
    /// The JSON outputs: rank, forecast, allocate, sensitivity, kpi, changes.
    let json: [String: Data]

    static let root = Paths.packageRoot
    static let list = root + "/datasets/prospects.csv"
    static let model = root + "/models/default.yaml"

    static let shared: Result<ReportFixture, ReportFixtureError> = {
        do { return .success(try make()) } catch let error as ReportFixtureError { return .failure(error) } catch {
            return .failure(ReportFixtureError(message: "\(error)"))
        }
    }()

    static func make() throws -> ReportFixture {
        let directory = try KamRunner.temporaryDirectory()
        func kam(_ arguments: [String]) throws -> String {
            let outcome = try KamRunner.run(arguments, in: directory)
            guard outcome.status == 0 else {
                throw ReportFixtureError(
                    message: "kam \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.standardError)")
            }
            return outcome.standardOutput
        }
        let history = directory + "/history.sqlite"
        _ = try kam(["rank", list, "-m", model, "--record", history, "--quiet", "--format", "csv"])
        _ = try kam(["rank", list, "-m", model, "--scenario", "growth", "--record", history, "--quiet", "--format", "csv"])
        let pipeline = root + "/models/pipeline.yaml"
        let team = root + "/models/team.yaml"
        let plan = root + "/datasets/kpi-plan.csv"
        let actual = root + "/datasets/kpi-actuals.csv"
        let scorecard = root + "/models/scorecard.yaml"
        let htmlPath = directory + "/report.html"
        _ = try kam([
            "report", list, "-m", model, "--pipeline", pipeline, "--team", team, "--robustness", "--samples", "400",
            "--kpi-plan", plan, "--kpi-actuals", actual, "--scorecard", scorecard, "--history", history,
            "--output", htmlPath, "--quiet",
        ])
        var json: [String: Data] = [:]
        json["rank"] = Data(try kam(["rank", list, "-m", model, "--format", "json", "--top", "200", "--quiet"]).utf8)
        json["forecast"] = Data(try kam(["forecast", list, "-m", model, "--pipeline", pipeline, "--format", "json", "--quiet"]).utf8)
        json["allocate"] = Data(
            try kam(["allocate", list, "-m", model, "--pipeline", pipeline, "--team", team, "--format", "json", "--quiet"]).utf8)
        json["sensitivity"] = Data(
            try kam(["sensitivity", list, "-m", model, "--samples", "400", "--show", "20", "--format", "json", "--quiet"]).utf8)
        json["kpi"] = Data(
            try kam(["kpi", "--plan", plan, "--actual", actual, "--scorecard", scorecard, "--format", "json", "--quiet"]).utf8)
        json["changes"] = Data(try kam(["changes", history, "--format", "json"]).utf8)
        let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
        return ReportFixture(directory: directory, html: html, htmlPath: htmlPath, json: json)
    }

    func object(_ name: String) throws -> [String: Any] {
        let data = try #require(json[name])
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

struct ReportFixtureError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Reads a report with html5lib (strict: any HTML5 parse error fails) and returns what the
/// tests check, as JSON: links and sources, figures, tables, chart points and text.
enum ReportReader {
    static let script = #"""
        import json, sys, html5lib
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            with open(sys.argv[1], 'rb') as f:
                doc = parser.parse(f)
        except Exception as e:
            print(json.dumps({'parse_error': repr(e), 'errors': [repr(x) for x in parser.errors[:5]]}))
            sys.exit(0)
        def local(tag):
            return tag.split('}')[-1] if isinstance(tag, str) else ''
        def text(el):
            return ''.join(el.itertext())
        out = {'external': [], 'scripts': 0, 'handlers': [], 'figures': {}, 'tables': {}, 'fan': [], 'cells': [],
               'hexbins': [], 'dots': 0, 'headings': [], 'tags': {}}
        for el in doc.iter():
            tag = local(el.tag)
            out['tags'][tag] = out['tags'].get(tag, 0) + 1
            for key, value in el.attrib.items():
                name = key.split('}')[-1].lower()
                if name in ('src', 'href', 'action', 'srcset', 'poster', 'data', 'formaction') and not value.startswith('#'):
                    out['external'].append([tag, name, value])
                if name.startswith('on'):
                    out['handlers'].append([tag, name, value])
            if tag == 'script':
                out['scripts'] += 1
            if tag == 'style' and ('url(' in text(el) or '@import' in text(el)):
                out['external'].append(['style', 'url', text(el)[:80]])
            if 'data-figure' in el.attrib:
                out['figures'][el.attrib['data-figure']] = el.attrib.get('data-v')
            cls = el.attrib.get('class', '')
            if cls == 'fan-point':
                out['fan'].append(dict(el.attrib))
            if cls == 'cell':
                out['cells'].append(dict(el.attrib))
            if tag == 'path' and 'data-count' in el.attrib:
                out['hexbins'].append(int(el.attrib['data-count']))
            if cls == 'dot':
                out['dots'] += 1
            if tag in ('h1', 'h2', 'h3', 'th', 'label', 'option'):
                out['headings'].append(text(el))
            if tag == 'svg' and el.attrib.get('id') == 'grade-map-svg':
                out['grade_map_mode'] = el.attrib.get('data-mode')
            if tag == 'table' and el.attrib.get('id'):
                keys = []
                head = el.find('thead')
                if head is not None:
                    for th in head.iter('th'):
                        keys.append(th.attrib.get('data-key', text(th)))
                rows = []
                for body in el.findall('tbody'):
                    for tr in body.findall('tr'):
                        cells = [td.attrib.get('data-v', text(td)) for td in tr if local(td.tag) in ('td', 'th')]
                        rows.append({'attrs': dict(tr.attrib), 'cells': cells, 'text': text(tr)})
                out['tables'][el.attrib['id']] = {'keys': keys, 'rows': rows}
        body = doc.find('body')
        out['lang'] = doc.attrib.get('lang')
        out['body_text'] = text(body)
        print(json.dumps(out, ensure_ascii=False))
        """#

    static func read(_ path: String) throws -> [String: Any] {
        let output = try PythonTools.run(script, [path])
        return try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
            "html5lib could not read \(path): \(output.prefix(400))")
    }
}
