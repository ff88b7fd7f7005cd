import Testing

@testable import ScoringIO

@Suite("CSVReader decodes UTF-8, byte-order marks and GB18030")
struct CSVReaderEncodingTests {
    static let chineseText = "客户,联系人,预算\n华东某汽车集团,王经理,\"1,800万\"\n华北某银行,李总,600\n"

    /// The test text encoded as GB18030 by the C library's iconv.
    static func gb18030Bytes(_ text: String) throws -> [UInt8] {
        try Iconv.convert(Array(text.utf8), from: "UTF-8", to: "GB18030")
    }

    @Test("iconv encodes the test text as GB18030 (known answer)")
    func iconvKnownAnswer() throws {
        let bytes = try Self.gb18030Bytes("华东某汽车集团,王经理")
        #expect(
            bytes == [
                0xBB, 0xAA, 0xB6, 0xAB, 0xC4, 0xB3, 0xC6, 0xFB, 0xB3, 0xB5, 0xBC, 0xAF, 0xCD, 0xC5, 0x2C,
                0xCD, 0xF5, 0xBE, 0xAD, 0xC0, 0xED,
            ])
    }

    @Test("A UTF-8 byte-order mark is stripped and reported")
    func byteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(Self.chineseText.utf8)
        for encoding in TextEncoding.allCases {
            let reader = CSVReader(options: CSVOptions(encoding: encoding))
            let table = try reader.read(bytes: bytes, file: "bom.csv")
            #expect(table.hadByteOrderMark)
            #expect(table.encoding == .utf8)
            #expect(table.header == ["客户", "联系人", "预算"])
            #expect(table.records.first?.fields == ["华东某汽车集团", "王经理", "1,800万"])
        }
    }

    @Test("A GB18030 byte-order mark is dropped")
    func gb18030ByteOrderMark() throws {
        let bytes = try Self.gb18030Bytes("\u{FEFF}" + Self.chineseText)
        #expect(bytes.starts(with: [0x84, 0x31, 0x95, 0x33]))
        let table = try CSVReader().read(bytes: bytes, file: "gbk.csv")
        #expect(table.encoding == .gb18030)
        #expect(table.hadByteOrderMark)
        #expect(table.header == ["客户", "联系人", "预算"])
    }

    @Test("UTF-8 Chinese text without a mark reads as UTF-8 in auto mode")
    func utf8Auto() throws {
        let table = try readCSV(Self.chineseText)
        #expect(table.encoding == .utf8)
        #expect(table.hadByteOrderMark == false)
        #expect(table.records.map(\.fields) == [["华东某汽车集团", "王经理", "1,800万"], ["华北某银行", "李总", "600"]])
    }

    @Test(
        "A GB18030 file decodes in auto mode and with an explicit gb18030",
        arguments: [TextEncoding.auto, .gb18030])
    func gb18030(encoding: TextEncoding) throws {
        let bytes = try Self.gb18030Bytes(Self.chineseText)
        #expect(UTF8Validation.firstInvalidOffset(in: bytes, range: bytes.indices) != nil)
        let table = try CSVReader(options: CSVOptions(encoding: encoding)).read(bytes: bytes, file: "gbk.csv")
        #expect(table.encoding == .gb18030)
        #expect(table.header == ["客户", "联系人", "预算"])
        #expect(
            table.records == [
                CSVRecord(line: 2, fields: ["华东某汽车集团", "王经理", "1,800万"]),
                CSVRecord(line: 3, fields: ["华北某银行", "李总", "600"]),
            ])
    }

    @Test("A GB18030 file read from disk decodes in auto mode")
    func gb18030FromDisk() throws {
        let path = "/tmp/kam-csv-test-\(UInt32.random(in: 0...UInt32.max)).csv"
        try CSVTestFiles.write(try Self.gb18030Bytes(Self.chineseText), to: path)
        defer { CSVTestFiles.remove(path) }
        let table = try CSVReader().read(contentsOf: path)
        #expect(table.file == path)
        #expect(table.encoding == .gb18030)
        #expect(table.records.first?.fields == ["华东某汽车集团", "王经理", "1,800万"])
    }

    @Test("Invalid UTF-8 with an explicit utf8 names the first bad line")
    func invalidUTF8() {
        // Line 4 holds a GBK byte pair; line 2 has a multi-line quoted field before it.
        var bytes = Array("a,b\n\"x\ny\",1\n".utf8)
        bytes += [0xCD, 0xF5] + Array(",2\n".utf8)
        #expect(throws: DatasetError.undecodable(file: "bad.csv", encoding: "UTF-8", line: 4)) {
            try CSVReader(options: CSVOptions(encoding: .utf8)).read(bytes: bytes, file: "bad.csv")
        }
    }

    @Test(
        "Malformed UTF-8 sequences are found at the right offset",
        arguments: [
            ([0x80], 0), ([0x41, 0xC0, 0x80], 1), ([0xE0, 0x80, 0x80], 0), ([0xED, 0xA0, 0x80], 0),
            ([0xF4, 0x90, 0x80, 0x80], 0), ([0x41, 0x42, 0xE5, 0x8D], 2), ([0xF5, 0x80, 0x80, 0x80], 0),
            ([0xC3, 0xA9, 0xFF], 2),
        ] as [([UInt8], Int)])
    func malformedUTF8(bytes: [UInt8], offset: Int) {
        #expect(UTF8Validation.firstInvalidOffset(in: bytes, range: bytes.indices) == offset)
    }

    @Test("Valid UTF-8 of every length passes validation")
    func validUTF8() {
        let bytes = Array("A é 华 😀 \u{10FFFF} \u{D7FF} \u{E000}".utf8)
        #expect(UTF8Validation.firstInvalidOffset(in: bytes, range: bytes.indices) == nil)
    }

    @Test("Bytes that are neither UTF-8 nor GB18030 name the line in auto mode and with gb18030")
    func invalidGB18030() {
        var bytes = Array("a,b\n1,2\n".utf8)
        bytes += [0x31, 0x2C, 0xFF, 0x0A]
        #expect(throws: DatasetError.undecodable(file: "bad.csv", encoding: "GB18030", line: 3)) {
            try CSVReader(options: CSVOptions(encoding: .gb18030)).read(bytes: bytes, file: "bad.csv")
        }
        // In auto mode both tries are named, with the first invalid UTF-8 byte.
        #expect(throws: DatasetError.invalidText(file: "bad.csv", line: 3, byte: 3, value: 0xFF, gb18030Line: 3)) {
            try CSVReader(options: CSVOptions(encoding: .auto)).read(bytes: bytes, file: "bad.csv")
        }
        // A lead byte cut off by the end of the file.
        #expect(throws: DatasetError.undecodable(file: "cut.csv", encoding: "GB18030", line: 2)) {
            let bytes = Array("a\r\n".utf8) + [0xCD]
            return try CSVReader(options: CSVOptions(encoding: .gb18030)).read(bytes: bytes, file: "cut.csv")
        }
    }

    @Test("The undecodable message names the file, line and the fix")
    func undecodableWording() {
        let error = DatasetError.undecodable(file: "bad.csv", encoding: "UTF-8", line: 4)
        #expect(
            error.description
                == "bad.csv, line 4: the bytes are not valid UTF-8. "
                + "Save the file as UTF-8 or GB18030, or choose the encoding with --encoding.")
    }
}
