import ScoringEngine

/// Reads accepted records of a streamed file again, by their position, and maps them: the
/// rows a ranking shows.
///
/// Records are read grouped by block (so that a GB18030 block is converted once per call)
/// and mapped with ``RowMapper``, in the order asked. A record that no longer reads as the
/// account it was (the file changed between the passes) is an error.
///
/// ``map(_:records:)`` reads only its arguments and the plan, so several threads may call it
/// at once; ``fetch(_:)`` reads the file through one reader and is called from one thread at
/// a time.
final class RecordFetcher {
    let path: String
    let encoding: TextEncoding
    let delimiter: UInt8
    let plan: StreamPlan
    let registry: AccountRegistry
    let blocks: [BlockEntry]
    /// Opened on the first read.
    private var reader: BlockReader?
    /// From this many records wanted in one block on, the block is read whole (one system
    /// call instead of one per record).
    static let wholeBlockRecords = 16

    /// Whether `count` records wanted in a block of `length` bytes are read with one read
    /// of the whole block: when there are at least ``wholeBlockRecords`` of them and at
    /// least one per 8 KiB of the block (a read system call costs about as much as copying
    /// 8 KiB). A page of a whole ranking of a large file wants a few records of every block;
    /// reading every block whole for each page would copy the whole file once per page.
    static func readsWholeBlock(records count: Int, length: Int) -> Bool {
        count >= wholeBlockRecords && count >= length / 8192
    }

    init(
        path: String, encoding: TextEncoding, delimiter: UInt8, plan: StreamPlan, registry: AccountRegistry,
        blocks: [BlockEntry]
    ) {
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.plan = plan
        self.registry = registry
        self.blocks = blocks
    }

    /// Reads the records of `entries` again and maps them, in the given order.
    ///
    /// - Throws: `DatasetError.unreadable` if the file cannot be read or changed.
    func fetch(_ entries: [RankedEntry]) throws(DatasetError) -> ProspectBatch {
        var builder = BatchBuilder(mapper: plan.mapper, capacity: entries.count)
        guard !entries.isEmpty else { return builder.batch() }
        let reader: BlockReader
        if let opened = self.reader {
            reader = opened
        } else {
            reader = try BlockReader(path: path, blockSize: 1 << 16)
            self.reader = reader
        }
        // Records by block, so that a GB18030 block is converted once.
        var records = [[UInt8]](repeating: [], count: entries.count)
        let byBlock = Dictionary(grouping: entries.indices, by: { entries[$0].position.block })
        for (blockIndex, indices) in byBlock {
            let block = blocks[Int(blockIndex)]
            do {
                if encoding == .gb18030 {
                    let original = try reader.read(at: block.fileOffset, count: block.fileLength)
                    let converted = try Iconv.convert(original, from: "GB18030", to: "UTF-8")
                    for index in indices {
                        let position = entries[index].position
                        let start = block.convertedBase + Int(position.offset)
                        guard start + Int(position.length) <= converted.count else { throw changed() }
                        records[index] = Array(converted[start..<(start + Int(position.length))])
                    }
                } else if RecordFetcher.readsWholeBlock(records: indices.count, length: block.fileLength) {
                    // Many records of one block (a full ranking): one read for all of them.
                    let bytes = try reader.read(at: block.fileOffset, count: block.fileLength)
                    for index in indices {
                        let position = entries[index].position
                        let start = block.convertedBase + Int(position.offset)
                        records[index] =
                            start + Int(position.length) <= bytes.count
                            ? Array(bytes[start..<(start + Int(position.length))])
                            : try reader.read(at: block.fileOffset + start, count: Int(position.length))
                    }
                } else {
                    for index in indices {
                        let position = entries[index].position
                        records[index] = try reader.read(
                            at: block.fileOffset + block.convertedBase + Int(position.offset),
                            count: Int(position.length))
                    }
                }
            } catch let error as DatasetError {
                throw error
            } catch {
                throw changed()
            }
        }
        for (index, entry) in entries.enumerated() {
            var parser = CSVParser(bytes: records[index], start: 0, line: entry.line, delimiter: delimiter, validatesUTF8: false)
            guard let record = try? parser.nextRecord(expectedFieldCount: plan.columnCount),
                case .accepted(let row) = plan.mapper.map(fields: record.fields, line: entry.line),
                plan.idColumn == nil
                    || TextNormalization.nfc(row.id) == Array(registry.arena[registry.idRange(ofEntry: entry.entry)])
            else { throw changed() }
            builder.append(row)
        }
        return builder.batch()
    }

    /// Maps the records a ranking of every row carried (`records`: the UTF-8 text of each
    /// entry's record, `position.length` bytes each, back to back, in the order of
    /// `entries`), as ``fetch(_:)`` maps the records it reads again.
    ///
    /// - Throws: `DatasetError.unreadable` if a record no longer maps (it mapped when the
    ///   ranking was made, so this would be a bug).
    ///
    /// The page is mapped with a mapper of its own (``RowMapper/copy()``): pages mapped on
    /// two threads at once would otherwise both update the reference counts of the same
    /// field readers, several times a row, and each such update waits for the other core's.
    func map(_ entries: [RankedEntry], records: [UInt8]) throws(DatasetError) -> ProspectBatch {
        let mapper = plan.mapper.copy()
        var builder = BatchBuilder(mapper: mapper, capacity: entries.count)
        var start = 0
        for entry in entries {
            let end = start + Int(entry.position.length)
            var parser = CSVParser(
                bytes: records, start: start, end: end, line: entry.line, delimiter: delimiter, validatesUTF8: false)
            start = end
            guard let record = try? parser.nextRecord(expectedFieldCount: plan.columnCount),
                case .accepted(let row) = mapper.map(fields: record.fields, line: entry.line)
            else {
                throw .unreadable(file: path, reason: "line \(entry.line) no longer maps as it did when it was ranked")
            }
            builder.append(row)
        }
        return builder.batch()
    }

    private func changed() -> DatasetError {
        .unreadable(file: path, reason: "the file changed while it was read")
    }
}
