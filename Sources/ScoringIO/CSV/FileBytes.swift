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
    static func contents(ofFile path: String) throws(DatasetError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw unreadable(path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw unreadable(path) }
        if status.st_mode & S_IFMT == S_IFDIR {
            throw .unreadable(file: path, reason: String(cString: strerror(EISDIR)))
        }

        // Read the size fstat reports, then keep reading in case the file grew or is a pipe.
        var bytes: [UInt8] = []
        var chunkSize = max(Int(status.st_size), 0) + 1
        while true {
            var readError: Int32 = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, initializedCount in
                initializedCount = 0
                guard let base = buffer.baseAddress else { return }
                while initializedCount < buffer.count {
                    let result = read(descriptor, base + initializedCount, buffer.count - initializedCount)
                    if result > 0 {
                        initializedCount += result
                    } else if result == 0 {
                        return
                    } else if errno != EINTR {
                        readError = errno
                        return
                    }
                }
            }
            if readError != 0 {
                throw .unreadable(file: path, reason: String(cString: strerror(readError)))
            }
            if bytes.isEmpty {
                bytes = chunk
            } else {
                bytes.append(contentsOf: chunk)
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
