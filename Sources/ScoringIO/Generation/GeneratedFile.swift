import Foundation

/// Writes a generator's chunks to a file handle or a file, with the error wording of
/// `GenerationError.writeFailed`.
enum GeneratedFile {
    /// A generator's `write(chunksTo:)`, handed the sink to call for each chunk.
    typealias Producer = (_ sink: ([UInt8]) throws(GenerationError) -> Void) throws(GenerationError) -> Void

    /// Hands every chunk of `produce` to `handle`; the handle is not closed.
    static func write(
        to handle: FileHandle, named name: String, _ produce: Producer
    ) throws(GenerationError) {
        try produce { (chunk: [UInt8]) throws(GenerationError) in
            do {
                try handle.write(contentsOf: chunk)
            } catch {
                throw .writeFailed(destination: name, reason: reason(error))
            }
        }
    }

    /// Writes every chunk of `produce` to `path` through ``OutputFile``: the old file is
    /// replaced only when every write succeeded.
    static func write(toFile path: String, _ produce: Producer) throws(GenerationError) {
        let file: OutputFile
        do {
            file = try OutputFile(path: path)
        } catch {
            throw .writeFailed(destination: path, reason: error.description)
        }
        try produce { (chunk: [UInt8]) throws(GenerationError) in
            file.write(chunk)
            if let failure = file.failure { throw .writeFailed(destination: path, reason: failure.description) }
        }
        do {
            try file.commit()
        } catch {
            throw .writeFailed(destination: path, reason: error.description)
        }
    }

    private static func reason(_ error: any Error) -> String {
        let described = (error as NSError).localizedDescription
        return described.isEmpty ? String(describing: error) : described
    }
}
