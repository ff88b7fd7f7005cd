import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CSVParser {
    /// How many threads parse a large file, and how large a part must be to get one.
    struct Parallelism: Sendable {
        /// The most threads to use.
        var maximumWorkers: Int
        /// The fewest bytes a part may have; smaller files are parsed on one thread.
        var minimumPartSize: Int

        /// One thread per online processor, up to 8, for parts of at least 4 MiB.
        static let automatic = Parallelism(
            maximumWorkers: min(max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1), 8),
            minimumPartSize: 4 << 20)
    }

    /// Where to cut `bytes[start...]` into parts for parallel work: `start`, then just
    /// after the first line feed at or after each equal fraction. One part if the buffer is
    /// small or has no line feeds.
    static func partStarts(in bytes: [UInt8], from start: Int, parallelism: Parallelism) -> [Int] {
        partStarts(in: bytes, from: start, before: bytes.count, parallelism: parallelism)
    }

    /// ``partStarts(in:from:parallelism:)`` for the records that start before `end`.
    static func partStarts(in bytes: [UInt8], from start: Int, before end: Int, parallelism: Parallelism) -> [Int] {
        let length = end - start
        let workers = min(parallelism.maximumWorkers, length / max(parallelism.minimumPartSize, 1))
        var starts = [start]
        guard workers > 1 else { return starts }
        for part in 1..<workers {
            var cut = max(start + length / workers * part, starts[starts.count - 1] + 1)
            while cut < end && bytes[cut - 1] != lineFeed { cut += 1 }
            if cut < end { starts.append(cut) }
        }
        return starts
    }

    /// What one worker found in its part of the buffer. Written by one thread, read after
    /// `concurrentPerform` returns, which orders the two.
    private final class PartResult: @unchecked Sendable {
        /// Where the part's first record starts (after blank lines), and its line relative to
        /// the part's start.
        var firstRecordStart = 0
        var firstRecordLine = 0
        /// Records, with lines relative to the part's start (absolute for the first part).
        var records: [CSVRecord] = []
        /// The first record start at or after the next part's start (or the end), and its line.
        var stop = 0
        var stopLine = 0
        /// Why the worker stopped early, if it did.
        var failure: Failure? = nil
    }

    /// Parses all records from `start` (on physical line `line`) to the end of `bytes`,
    /// splitting large buffers across threads.
    ///
    /// The buffer is cut after line feeds near equal fractions of it, and each part is
    /// parsed from its cut as if a record started there. A line feed may lie inside a quoted
    /// field, so each part is then checked: it is kept only if the part before it stopped
    /// exactly where this part's first record starts (the parser's state between records is
    /// just its offset and line, so the two parses then agree). Otherwise the rest of the
    /// buffer is parsed again on one thread. The result is the same as a single parse,
    /// errors included.
    ///
    /// - Complexity: O(*n*) work, in about O(*n* / workers) time when no cut falls inside a
    ///   quoted field.
    static func records(
        in bytes: [UInt8], from start: Int, line: Int, delimiter: UInt8, validatesUTF8: Bool,
        expectedFieldCount: Int, parallelism: Parallelism = .automatic
    ) throws(Failure) -> [CSVRecord] {
        try records(
            in: bytes, from: start, before: bytes.count, line: line, delimiter: delimiter, validatesUTF8: validatesUTF8,
            expectedFieldCount: expectedFieldCount, parallelism: parallelism
        ).records
    }

    /// The records of `bytes` that start at or after `start` (on physical line `line`) and
    /// before `end`, each read whole (the last may run past `end`), split across threads as
    /// ``records(in:from:line:delimiter:validatesUTF8:expectedFieldCount:parallelism:)`` splits
    /// a whole buffer; and where the next record starts (at or after `end`, blank lines
    /// skipped; the buffer's end when none is left), with its line. Reading on from there
    /// gives the records of one read of the whole buffer, errors included.
    static func records(
        in bytes: [UInt8], from start: Int, before end: Int, line: Int, delimiter: UInt8, validatesUTF8: Bool,
        expectedFieldCount: Int, parallelism: Parallelism = .automatic
    ) throws(Failure) -> (records: [CSVRecord], stop: Int, stopLine: Int) {
        /// Reads the records that start before `end` on this thread.
        func readOn(from start: Int, line: Int, into records: inout [CSVRecord]) throws(Failure) -> (Int, Int) {
            var parser = CSVParser(
                bytes: bytes, start: start, line: line, delimiter: delimiter, validatesUTF8: validatesUTF8)
            while let recordStart = parser.skipBlankLines(), recordStart < end,
                let record = try parser.nextRecord(expectedFieldCount: expectedFieldCount)
            {
                records.append(record)
            }
            return (parser.position, parser.line)
        }
        let cuts = partStarts(in: bytes, from: start, before: end, parallelism: parallelism)
        if cuts.count == 1 {
            var records: [CSVRecord] = []
            let (stop, stopLine) = try readOn(from: start, line: line, into: &records)
            return (records, stop, stopLine)
        }

        let results = cuts.map { _ in PartResult() }
        DispatchQueue.concurrentPerform(iterations: cuts.count) { part in
            let result = results[part]
            let limit = part + 1 < cuts.count ? cuts[part + 1] : end
            var parser = CSVParser(
                bytes: bytes, start: cuts[part], line: part == 0 ? line : 1, delimiter: delimiter,
                validatesUTF8: validatesUTF8)
            result.firstRecordStart = parser.skipBlankLines() ?? bytes.count
            result.firstRecordLine = parser.line
            do throws(Failure) {
                while true {
                    guard let recordStart = parser.skipBlankLines(), recordStart < limit else { break }
                    if let record = try parser.nextRecord(expectedFieldCount: expectedFieldCount) {
                        result.records.append(record)
                    }
                }
            } catch {
                result.failure = error
            }
            result.stop = parser.position
            result.stopLine = parser.line
        }

        // Stitch the parts whose first record starts where the previous part stopped.
        var records = results[0].records
        results[0].records = []
        if let failure = results[0].failure { throw failure }
        var stop = results[0].stop
        var stopLine = results[0].stopLine
        records.reserveCapacity(results.reduce(0) { $0 + $1.records.count })
        for part in 1..<results.count {
            let result = results[part]
            guard result.firstRecordStart == stop else {
                // A cut fell inside a quoted field: parse the rest on this thread.
                let (stop, stopLine) = try readOn(from: stop, line: stopLine, into: &records)
                return (records, stop, stopLine)
            }
            let offset = stopLine - result.firstRecordLine
            for record in result.records {
                records.append(CSVRecord(line: record.line + offset, fields: record.fields))
            }
            result.records = []
            switch result.failure {
            case .unterminatedQuote(let line)?: throw .unterminatedQuote(line: line + offset)
            case .invalidUTF8?: throw .invalidUTF8
            case .fieldTooLong(let line)?: throw .fieldTooLong(line: line + offset)
            case .recordTooLong(let line)?: throw .recordTooLong(line: line + offset)
            case nil: break
            }
            stop = result.stop
            stopLine = result.stopLine + offset
        }
        return (records, stop, stopLine)
    }
}
