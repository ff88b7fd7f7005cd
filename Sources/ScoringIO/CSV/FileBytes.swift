#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files into memory with POSIX `open` and `read`.
///
/// The buffer is filled in place, without Foundation's `Data` and the copy out of it.
enum FileBytes {
    /// Reads the file at `path`.
    ///
    /// - Throws: `DatasetError.unreadable` with the system's reason (`No such file or
    ///   directory`, `Permission denied`, `Is a directory`).
    /// An input that is not a regular file (a pipe, `/dev/zero`) is read only up to
    /// ``ReadLimits/pipeBytes``, and a stretch of more than ``ReadLimits/recordBytes``
    /// without a line break stops it with that line: an endless input cannot grow memory
    /// without bound.
    static func contents(ofFile path: String, limits: ReadLimits = .current) throws(DatasetError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw unreadable(path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw unreadable(path) }
        if status.st_mode & S_IFMT == S_IFDIR {
            throw .unreadable(file: path, reason: String(cString: strerror(EISDIR)))
        }

        // Read the size fstat reports, then keep reading in case the file grew or is a pipe.
        let isRegular = status.st_mode & S_IFMT == S_IFREG
        var bytes: [UInt8] = []
        // Bytes since the last line break (checked for inputs that are not regular files).
        var lineRun = 0
        var chunkSize = max(Int(status.st_size), 0) + 1
        while true {
            let (chunk, readError) = SystemIO.read(descriptor, upTo: chunkSize)
            if readError != 0 {
                throw .unreadable(file: path, reason: String(cString: strerror(readError)))
            }
            if bytes.isEmpty {
                bytes = chunk
            } else {
                bytes.append(contentsOf: chunk)
            }
            if !isRegular {
                if let last = chunk.lastIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
                    lineRun = chunk.count - last - 1
                } else {
                    lineRun += chunk.count
                }
                if lineRun > limits.recordBytes {
                    let line = CSVParser.physicalLine(of: bytes.count - lineRun, in: bytes, from: 0)
                    throw .recordTooLong(file: path, line: line, limit: limits.recordBytes)
                }
                if bytes.count > limits.pipeBytes { throw .inputTooLarge(file: path, limit: limits.pipeBytes) }
            }
            // A short chunk means end of file.
            if chunk.count < chunkSize { return bytes }
            chunkSize = 1 << 20
        }
    }

    private static func unreadable(_ path: String) -> DatasetError {
        .unreadable(file: path, reason: String(cString: strerror(errno)))
    }
}
