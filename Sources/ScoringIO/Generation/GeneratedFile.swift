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

    /// Creates (or truncates) the file at `path` and writes every chunk of `produce` to it.
    static func write(toFile path: String, _ produce: Producer) throws(GenerationError) {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw .writeFailed(destination: path, reason: "the file cannot be created")
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        } catch {
            throw .writeFailed(destination: path, reason: reason(error))
        }
        do {
            try write(to: handle, named: path, produce)
        } catch {
            try? handle.close()
            throw error
        }
        do {
            try handle.close()
        } catch {
            throw .writeFailed(destination: path, reason: reason(error))
        }
    }

    private static func reason(_ error: any Error) -> String {
        let described = (error as NSError).localizedDescription
        return described.isEmpty ? String(describing: error) : described
    }
}
