import Dispatch

extension CSVReader {
    /// Bytes of a UTF-8 file parsed at a time by ``forEachPart(contentsOf:partBytes:_:)``:
    /// 8 MiB for each parsing thread.
    public static var partBytes: Int { CSVParser.Parallelism.automatic.maximumWorkers << 23 }

    /// Reads the CSV file at `path` a part at a time: `body` gets tables with the file's
    /// header and consecutive runs of its records, in file order, at least once (with no
    /// records when the file has none), so that only one part's text is held at a time
    /// besides the file's bytes.
    ///
    /// The parts together hold exactly the records of ``read(contentsOf:)``, with the same
    /// lines, and the reader throws the same errors. A UTF-8 file (valid throughout; checked
    /// before the first part) is parsed `partBytes` at a time on every core; any other file
    /// (a workbook, UTF-16, GB18030, or bytes that are not UTF-8 under `.auto`) is read whole
    /// and given as one part.
    ///
    /// - Parameters:
    ///   - path: The file to read; it also names the file in errors and in the tables.
    ///   - partBytes: About how many bytes of the file each part covers (records are never
    ///     cut; tests make parts small).
    ///   - body: Called with each part, in order; what it throws ends the reading.
    /// - Throws: ``DatasetError`` as ``read(contentsOf:)`` throws it, and what `body` throws.
    public func forEachPart(
        contentsOf path: String, partBytes: Int = Self.partBytes, _ body: (CSVTable) throws -> Void
    ) throws {
        precondition(partBytes >= 1, "A part covers at least one byte")
        guard !WorkbookReader.isZIP(path), !WorkbookReader.isGzip(path) else { return try body(read(contentsOf: path)) }
        let bytes = try Self.textBytes(ofFile: path)
        guard Self.utf16Encoding(of: bytes) == nil else { return try body(read(bytes: bytes, file: path)) }
        let hasByteOrderMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        let start = hasByteOrderMark ? 3 : 0
        guard hasByteOrderMark || options.encoding != .gb18030, Self.isUTF8(bytes, from: start, parallelism: parallelism)
        else { return try body(read(bytes: bytes, file: path)) }

        let header: Header
        do {
            header = try readHeader(bytes, start: start, file: path, validates: false)
        } catch {
            switch error {
            case .dataset(let error): throw error
            case .invalidUTF8: preconditionFailure("unreachable: the bytes were checked")
            }
        }
        func table(_ records: [CSVRecord]) -> CSVTable {
            CSVTable(
                file: path, header: header.names, records: records, delimiter: header.delimiter, encoding: .utf8,
                hadByteOrderMark: hasByteOrderMark)
        }
        var position = header.position
        var line = header.line
        var delivered = false
        while position < bytes.count {
            // The part ends after the first line feed from `partBytes` on (a cut inside a
            // quoted field only means that the last record runs past it).
            var end = min(position + partBytes, bytes.count)
            while end < bytes.count && bytes[end - 1] != CSVParser.lineFeed { end += 1 }
            let part: (records: [CSVRecord], stop: Int, stopLine: Int)
            do {
                part = try CSVParser.records(
                    in: bytes, from: position, before: end, line: line, delimiter: header.delimiter, validatesUTF8: false,
                    expectedFieldCount: header.names.count, parallelism: parallelism)
            } catch {
                switch Self.parseFailure(error, file: path) {
                case .dataset(let error): throw error
                case .invalidUTF8: preconditionFailure("unreachable: the bytes were checked")
                }
            }
            if !part.records.isEmpty {
                var table = table(part.records)
                table.fileExtent = (part.stop, bytes.count)
                try body(table)
                delivered = true
            }
            // The next record starts at or after `end` (blank lines skipped), or the file ends.
            precondition(part.stop >= end, "Each part reads on")
            position = part.stop
            line = part.stopLine
        }
        if !delivered { try body(table([])) }
    }

    /// Whether `bytes[start...]` is valid UTF-8, checked in parallel parts cut before a
    /// byte that starts a character.
    static func isUTF8(_ bytes: [UInt8], from start: Int, parallelism: CSVParser.Parallelism) -> Bool {
        var cuts = CSVParser.partStarts(in: bytes, from: start, parallelism: parallelism)
        for index in cuts.indices.dropFirst() {
            while cuts[index] < bytes.count && bytes[cuts[index]] & 0xC0 == 0x80 { cuts[index] += 1 }
        }
        let ranges = cuts.indices.map { index in cuts[index]..<(index + 1 < cuts.count ? cuts[index + 1] : bytes.count) }
        let valid = ranges.map { _ in Validity() }
        DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
            valid[index].isValid = UTF8Validation.firstInvalidOffset(in: bytes, range: ranges[index]) == nil
        }
        return valid.allSatisfy(\.isValid)
    }
}

/// Whether one part of a buffer is valid UTF-8. Written by one thread, read after
/// `concurrentPerform` returns, which orders the two.
private final class Validity: @unchecked Sendable {
    var isValid = false
}
