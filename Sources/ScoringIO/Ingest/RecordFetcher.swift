import ScoringEngine

/// Reads accepted records of a streamed file again, by their position, and maps them: the
/// rows a ranking shows.
///
/// Records are read grouped by block (so that a GB18030 block is converted once per call)
/// and mapped from their bytes with ``RankedRecordMapper`` (which reads the plan's
/// delimiter), in the order asked. A record that no longer reads as the account it was (the
/// file changed between the passes) is an error.
///
/// ``map(_:records:)`` reads only its arguments and the plan, so several threads may call it
/// at once; ``fetch(_:)`` reads the file through one reader and is called from one thread at
/// a time.
final class RecordFetcher {
    let path: String
    let encoding: TextEncoding
    let plan: StreamPlan
    let registry: AccountRegistry
    let blocks: [BlockEntry]
    /// Maps the records read again (or carried) from their bytes.
    let mapper: RankedRecordMapper
    /// Maps only the columns that describe an account (no factor), for accounts whose
    /// scores the ranking pass kept.
    let describer: RankedRecordMapper
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
        path: String, encoding: TextEncoding, plan: StreamPlan, registry: AccountRegistry,
        blocks: [BlockEntry]
    ) {
        self.path = path
        self.encoding = encoding
        self.plan = plan
        self.registry = registry
        self.blocks = blocks
        mapper = RankedRecordMapper(plan: plan)
        describer = RankedRecordMapper(plan: plan, readsFactors: false)
    }

    /// Reads the records of `entries` again and maps them, in the given order.
    ///
    /// - Throws: `DatasetError.unreadable` if the file cannot be read or changed.
    func fetch(_ entries: [RankedEntry]) throws(DatasetError) -> ProspectBatch {
        guard !entries.isEmpty else { return BatchBuilder(mapper: plan.mapper, capacity: 0).batch() }
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
        // The records back to back, mapped as a carried page is, with each id checked
        // against the one the ranking registered (normalized as the registry holds it).
        var joined: [UInt8] = []
        joined.reserveCapacity(records.reduce(0) { $0 + $1.count })
        for record in records { joined += record }
        let registry = self.registry
        let checksID: ((Int, ByteView) -> Bool)? =
            plan.idColumn == nil
            ? nil
            : { index, id in
                TextNormalization.nfc(id, from: 0, to: id.count)
                    == Array(registry.arena[registry.idRange(ofEntry: entries[index].entry)])
            }
        do {
            return try mapper.map(
                records: joined, lengths: records.map(\.count), lines: entries.map(\.line), checksID: checksID)
        } catch {
            throw changed()
        }
    }

    /// Maps the records a ranking of every row carried (`records`: the UTF-8 text of each
    /// entry's record, `position.length` bytes each, back to back, in the order of
    /// `entries`), as ``fetch(_:)`` maps the records it reads again.
    ///
    /// - Parameter readsFactors: `false` reads only what a run history keeps of an account
    ///   already scored (id, name, stage, segment columns: see
    ///   ``RankedRecordMapper/init(plan:readsFactors:)``).
    /// - Throws: `DatasetError.unreadable` if a record no longer maps (it mapped when the
    ///   ranking was made, so this would be a bug).
    func map(_ entries: [RankedEntry], records: [UInt8], readsFactors: Bool = true) throws(DatasetError) -> ProspectBatch {
        do {
            return try (readsFactors ? mapper : describer).map(
                records: records, lengths: entries.map { Int($0.position.length) }, lines: entries.map(\.line))
        } catch {
            throw .unreadable(
                file: path, reason: "line \(entries[error.index].line) no longer maps as it did when it was ranked")
        }
    }

    private func changed() -> DatasetError {
        .unreadable(file: path, reason: "the file changed while it was read")
    }
}
