import Foundation

/// A generator that writes its file in chunks through a buffer of about 1 MiB
/// (``ProspectListGenerator``, ``ShapedHistoryGenerator``), and so to a file handle, a file
/// or memory alike.
public protocol ChunkedGenerator {
    /// Writes the file, header first, handing the bytes to `sink` in chunks of about
    /// ``ProspectListGenerator/chunkSize`` bytes (the last may be smaller).
    ///
    /// The chunk passed to `sink` is reused after it returns; copy it to keep it.
    ///
    /// - Throws: Whatever `sink` throws; writing stops at the first error.
    func write<Failure: Error>(chunksTo sink: ([UInt8]) throws(Failure) -> Void) throws(Failure)
}

extension ChunkedGenerator {
    /// Writes the file to an open file handle (a file, a pipe, standard output).
    ///
    /// - Parameters:
    ///   - handle: Where to write; it is not closed.
    ///   - name: How to name the destination in an error message.
    /// - Throws: `GenerationError.writeFailed` if a write fails.
    public func write(to handle: FileHandle, named name: String = "output") throws(GenerationError) {
        try GeneratedFile.write(to: handle, named: name) { sink throws(GenerationError) in
            try write(chunksTo: sink)
        }
    }

    /// Writes the file to `path` through ``OutputFile`` (a regular file is replaced
    /// atomically; a device or pipe is written into).
    ///
    /// - Throws: `GenerationError.writeFailed` if the file cannot be created or written.
    public func write(toFile path: String) throws(GenerationError) {
        try GeneratedFile.write(toFile: path) { sink throws(GenerationError) in
            try write(chunksTo: sink)
        }
    }

    /// The whole file in memory. Meant for small files and tests; write large ones with
    /// `write(toFile:)` or `write(chunksTo:)`.
    public func bytes() -> [UInt8] {
        var all: [UInt8] = []
        write { (chunk: [UInt8]) in all.append(contentsOf: chunk) }
        return all
    }
}
