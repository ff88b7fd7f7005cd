import Foundation
import ScoringTestSupport
import Testing

/// `kam report` in a real browser: headless Chromium runs the page's script (sorting and
/// filtering work, no script or console error), hostile names stay text, and screenshots are
/// non-blank pictures of the window's size.
@Suite(
    "kam report in headless Chromium", .serialized,
    .enabled(if: Chromium.available, "needs headless Chromium (apt-get install chromium); .ci/run installs it"))
struct HTMLReportBrowserTests {
    /// Appended to a copy of the page (after its own script): clicks the value heading twice,
    /// filters grade A, and writes what it saw into `#test-result` as JSON.
    static let driver = """
        <script>
        (function(){
          var out={};
          try{
            out.script=document.body.getAttribute('data-script');
            out.errors=document.getElementById('script-errors').textContent;
            var table=document.getElementById('ranked-table');
            var heads=table.tHead.rows[0].cells;var col=-1;
            for(var i=0;i<heads.length;i++){if(heads[i].getAttribute('data-key')==='value')col=i;}
            function values(){return Array.prototype.map.call(table.tBodies[0].rows,function(r){return parseFloat(r.cells[col].getAttribute('data-v'));});}
            out.before=Array.prototype.map.call(table.tBodies[0].rows,function(r){return +r.getAttribute('data-rank');});
            heads[col].click();out.ascending=values();out.sortedAsc=table.getAttribute('data-sorted-by');
            heads[col].click();out.descending=values();out.sortedDesc=table.getAttribute('data-sorted-by');
            var grade=document.querySelector('[data-filter-for=ranked-table] select[data-field=grade]');
            grade.value='A';grade.dispatchEvent(new Event('change'));
            out.shown=document.querySelector('[data-filter-for=ranked-table] .shown').textContent;
            out.visibleGrades=Array.prototype.filter.call(table.tBodies[0].rows,function(r){return !r.hidden;}).map(function(r){return r.getAttribute('data-grade');});
            grade.value='';grade.dispatchEvent(new Event('change'));
            out.shownAll=document.querySelector('[data-filter-for=ranked-table] .shown').textContent;
            out.rows=table.tBodies[0].rows.length;
          }catch(e){out.driverError=String(e);}
          var pre=document.createElement('pre');pre.id='test-result';pre.textContent=JSON.stringify(out);document.body.appendChild(pre);
        })();
        </script>
        """

    /// The DOM after scripts ran, and what Chromium logged (console messages included).
    func dumpDOM(_ path: String, in directory: String) throws -> (dom: String, log: String) {
        let outcome = try Chromium.run(
            ["--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + path], in: directory)
        #expect(outcome.status == 0, "\(outcome.standardError.suffix(2000))")
        return (outcome.standardOutput, outcome.standardError)
    }

    /// The `#test-result` JSON of a dumped DOM.
    func result(_ dom: String) throws -> [String: Any] {
        let start = try #require(dom.range(of: "<pre id=\"test-result\">"))
        let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
        let text = String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Console messages Chromium logged for the page (its log lines tagged CONSOLE).
    func consoleLines(_ log: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains("CONSOLE") }
    }

    @Test("after the scripts ran: sorting by value works both ways, the grade filter shows the A accounts, no error")
    func sortingAndFiltering() throws {
        let fixture = try ReportFixture.shared.get()
        let copy = fixture.directory + "/driven.html"
        let html = fixture.html.replacingOccurrences(of: "</body>", with: Self.driver + "\n</body>")
        try html.write(toFile: copy, atomically: true, encoding: .utf8)
        let (dom, log) = try dumpDOM(copy, in: fixture.directory)
        #expect(consoleLines(log).isEmpty, "console: \(consoleLines(log))")
        let out = try result(dom)
        #expect(out["driverError"] == nil, "\(out["driverError"] ?? "")")
        #expect(out["script"] as? String == "ok")
        #expect(out["errors"] as? String == "")
        let rank = try fixture.object("rank")
        let accounts = try #require(rank["accounts"] as? [[String: Any]])
        #expect(out["before"] as? [Int] == accounts.map { $0["rank"] as? Int ?? -1 })
        let ascending = try #require(out["ascending"] as? [Double])
        let descending = try #require(out["descending"] as? [Double])
        #expect(ascending.count == 200)
        #expect(ascending == ascending.sorted())
        #expect(descending == descending.sorted(by: >))
        #expect(out["sortedAsc"] as? String == "value asc")
        #expect(out["sortedDesc"] as? String == "value desc")
        let aCount = accounts.filter { $0["grade"] as? String == "A" }.count
        #expect(aCount > 0)
        #expect(out["shown"] as? String == String(aCount))
        #expect(out["visibleGrades"] as? [String] == [String](repeating: "A", count: aCount))
        #expect(out["shownAll"] as? String == "200")
        // The page as written (no driver) also runs clean, and its counts are in the DOM.
        let (plain, plainLog) = try dumpDOM(fixture.htmlPath, in: fixture.directory)
        #expect(consoleLines(plainLog).isEmpty, "console: \(consoleLines(plainLog))")
        #expect(plain.contains("data-script=\"ok\""))
        #expect(plain.contains("<div id=\"script-errors\" hidden=\"\"></div>"))
        #expect(plain.contains("data-figure=\"accepted\" data-v=\"295\""))
    }

    @Test("hostile names, ids and managers render as text: no element, attribute or script from the input")
    func hostileNames() throws {
        let fixture = try ReportFixture.shared.get()
        let hostile = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", "'><svg onload=alert(3)>", "&lt;b&gt;"]
        var lines = try String(contentsOfFile: ReportFixture.list, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let idColumn = try #require(header.firstIndex(of: "account_id"))
        let nameColumn = try #require(header.firstIndex(of: "name"))
        let managerColumn = try #require(header.firstIndex(of: "manager"))
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        // The first rows get hostile names, ids and managers (fields without commas or quotes in the sample).
        for (index, text) in hostile.enumerated() {
            var fields = lines[index + 1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[nameColumn] = quoted(text)
            fields[idColumn] = quoted("X\(index)" + text)
            fields[managerColumn] = quoted(text)
            lines[index + 1] = fields.joined(separator: ",")
        }
        let list = fixture.directory + "/hostile.csv"
        try lines.joined(separator: "\n").write(toFile: list, atomically: true, encoding: .utf8)
        let page = fixture.directory + "/hostile.html"
        let outcome = try KamRunner.run(
            [
                "report", list, "-m", ReportFixture.model, "--top", "300", "-o", page, "--quiet", "--rejects",
                fixture.directory + "/hostile.rejects.csv",
            ],
            in: fixture.directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        for text in hostile { #expect(!html.contains(text), "unescaped: \(text)") }
        let (dom, log) = try dumpDOM(page, in: fixture.directory)
        #expect(consoleLines(log).isEmpty, "console: \(consoleLines(log))")
        #expect(dom.contains("data-script=\"ok\""))
        // One script (the page's own), no img, no handler attribute anywhere in the live DOM.
        #expect(dom.components(separatedBy: "<script").count == 2)
        #expect(!dom.contains("<img"))
        // (An attribute is serialized as name="…"; the text "onerror=alert(2)" has no quote.)
        #expect(!dom.contains("onerror=\"") && !dom.contains("onload=\""))
        // The names are there as text (serialized escaped by the browser).
        #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(dom.contains("\"&gt;&lt;img src=x onerror=alert(2)&gt;"))
        #expect(dom.contains("&amp;lt;b&amp;gt;"))
    }

    @Test("screenshots are non-blank PNGs of the window's size, in English and Chinese", arguments: ["en", "zh"])
    func screenshot(language: String) throws {
        let fixture = try ReportFixture.shared.get()
        let page = fixture.directory + "/shot-\(language).html"
        let outcome = try KamRunner.run(
            [
                "report", ReportFixture.list, "-m", ReportFixture.model, "--pipeline", ReportFixture.root + "/models/pipeline.yaml",
                "--team", ReportFixture.root + "/models/team.yaml", "--lang", language, "-o", page, "--quiet",
            ], in: fixture.directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let png = fixture.directory + "/shot-\(language).png"
        let shot = try Chromium.run(["--window-size=1280,1800", "--screenshot=\(png)", "file://" + page], in: fixture.directory)
        #expect(shot.status == 0, "\(shot.standardError.suffix(2000))")
        let check = try PythonTools.run(Self.pngCheck, [png])
        #expect(check.trimmingCharacters(in: .whitespacesAndNewlines) == "1280 1800 nonblank", "\(check)")
    }

    /// Prints "width height nonblank|blank" of a PNG (8-bit RGB or RGBA, as Chromium writes),
    /// decoding it with the standard library only: nonblank when more than 5% of the pixels
    /// differ from the most common colour.
    static let pngCheck = #"""
        import struct, sys, zlib, collections
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
        pos, idat, width, height, kind = 8, b'', 0, 0, 0
        while pos < len(data):
            length, tag = struct.unpack('>I4s', data[pos:pos + 8])
            chunk = data[pos + 8:pos + 8 + length]
            if tag == b'IHDR':
                width, height, depth, kind = struct.unpack('>IIBB', chunk[:10])
            elif tag == b'IDAT':
                idat += chunk
            pos += 12 + length
        channels = {2: 3, 6: 4}[kind]
        raw = zlib.decompress(idat)
        stride = width * channels
        rows, previous = [], bytearray(stride)
        for y in range(height):
            f = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for x in range(stride):
                a = line[x - channels] if x >= channels else 0
                b = previous[x]
                c = previous[x - channels] if x >= channels else 0
                if f == 1: line[x] = (line[x] + a) & 255
                elif f == 2: line[x] = (line[x] + b) & 255
                elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(bytes(line)); previous = line
        counts = collections.Counter()
        for line in rows[::4]:
            for x in range(0, stride, channels * 4):
                counts[line[x:x + channels]] += 1
        total = sum(counts.values())
        common = counts.most_common(1)[0][1]
        print(width, height, 'nonblank' if total - common > 0.05 * total else 'blank')
        """#
}
