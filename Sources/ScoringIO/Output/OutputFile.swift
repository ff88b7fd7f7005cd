#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem that stops an output from being written, with the sysexits.h status it earns.
public enum OutputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The output cannot be created: a missing folder, a directory, a read-only file system,
    /// a folder without write permission, or an existing file the user may not write.
    /// Exit status 73 (EX_CANTCREAT).
    case cannotCreate(file: String, reason: String)
    /// A write, `fsync`, `close` or the final rename failed (disk full, file-size limit,
    /// I/O error). The old file, if any, is untouched. Exit status 74 (EX_IOERR).
    case writeFailed(file: String, reason: String)
    /// The output is the same file (device and inode) as an input of the run.
    /// Exit status 64 (EX_USAGE): the command line names one file for two roles.
    case sameFileAsInput(file: String, input: String, role: String)

    /// The sysexits.h status: 73, 74 or 64.
    public var exitStatus: Int32 {
        switch self {
        case .cannotCreate: 73
        case .writeFailed: 74
        case .sameFileAsInput: 64
        }
    }

    public var description: String {
        switch self {
        case .cannotCreate(let file, let reason):
            return "\(InputEcho.path(file)): cannot create the output file (\(reason)). "
                + "Check the folder exists and is writable, or choose another path."
        case .writeFailed(let file, let reason):
            let kept = file == "standard output" ? "" : " A file that was at this path is unchanged."
            return "\(InputEcho.path(file)): writing the output failed (\(reason)).\(kept) "
                + "Check the free space and file-size limits."
        case .sameFileAsInput(let file, let input, let role):
            return "\(InputEcho.path(file)) is the same file as the \(role) \(InputEcho.path(input)); "
                + "writing it would destroy the \(role). Choose another output path."
        }
    }
}

/// A file the run reads, which no output may replace.
public struct ProtectedInput: Sendable {
    /// The path as the user gave it.
    public let path: String
    /// What the file is to the run, for the message: "prospect list", "model".
    public let role: String

    public init(_ path: String, role: String) {
        self.path = path
        self.role = role
    }
}

/// An output the program writes: a regular file replaced atomically, a device or pipe
/// written into, or standard output.
///
/// How a path is written:
///
/// - Symbolic links are resolved first; the link's final target is written and the link
///   stays a link.
/// - A target that exists and is not a regular file (a character device such as
///   `/dev/null`, a FIFO, `/dev/stdout`, a socket) is opened and written *into*; it is
///   never replaced.
/// - A regular file (existing or new) is written to a temporary file in the same folder
///   (`.<name>.kam-XXXXXX`), which gets the old file's permission bits (or 0666 less the
///   umask for a new file) and, when the caller may, its owner and group; it is then
///   `fsync`ed, closed and renamed over the target. A write that fails part-way removes
///   the temporary file and leaves the old file as it was.
/// - An existing regular file is replaced only if the caller could write it: `access(W_OK)`
///   must allow it *and* at least one write bit (0222) must be set. The second rule keeps a
///   file of mode 444 from being replaced by root, for whom `access` allows everything.
/// - An output that is the same file (device and inode) as one of the protected inputs is
///   refused before anything is written.
///
/// Every `write`, `fsync` and `close` is checked. Writes are buffered (1 MiB); the first
/// failure is kept, later writes are dropped, and ``commit()`` reports it, so renderers can
/// write without `try` and still never "succeed" on a full disk. `SIGXFSZ` is ignored once
/// an output is opened, so a file-size limit (`ulimit -f`) gives a failed write (exit 74)
/// instead of killing the process.
public final class OutputFile {
    /// How the output is reached.
    private enum Kind {
        /// A temporary file renamed over `target` on commit.
        case replacing(temporary: String, target: String)
        /// A device, FIFO or other non-regular file, written in place.
        case inPlace
        /// Standard output (file descriptor 1), never closed.
        case standardOutput
    }

    /// The name in messages: the path as given, or "standard output".
    public let name: String
    private let kind: Kind
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    /// Bytes handed to the descriptor so far (its position, for a file written from the start).
    private var written = 0
    /// Writes straight to the disk, once a replaced file has grown past ``directFrom``.
    private var direct: SystemIO.DirectWriter?
    /// Whether direct writes were tried (at most once per output).
    private var directTried = false
    /// The size from which a replaced file is written past the page cache
    /// (``SystemIO/DirectWriter``): large outputs only, so that small ones stay in the cache
    /// for whoever reads them next. Tests lower it.
    var directFrom = 32 << 20
    /// Whether the bytes now go straight to the disk.
    var writesDirect: Bool { direct != nil }
    /// The first failure, kept until ``commit()``.
    public private(set) var failure: OutputFileError?
    /// Bytes buffered before a write to the descriptor.
    public static let bufferSize = 1 << 20

    /// Standard output: writes are checked; the descriptor is not closed.
    public static func standardOutput() -> OutputFile {
        ignoreFileSizeSignal()
        return OutputFile(name: "standard output", kind: .standardOutput, descriptor: 1)
    }

    private init(name: String, kind: Kind, descriptor: Int32) {
        self.name = name
        self.kind = kind
        self.descriptor = descriptor
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Opens `path` for writing as described in the type's discussion.
    ///
    /// - Parameters:
    ///   - path: The output path as the user gave it.
    ///   - inputs: Files of the run that this output must not be.
    /// - Throws: ``OutputFileError/cannotCreate(file:reason:)`` (exit 73),
    ///   ``OutputFileError/sameFileAsInput(file:input:role:)`` (exit 64).
    public convenience init(path: String, protecting inputs: [ProtectedInput] = []) throws(OutputFileError) {
        Self.ignoreFileSizeSignal()
        if path.isEmpty { throw .cannotCreate(file: path, reason: "the path is empty") }
        if let standard = Self.standardDescriptor(path) {
            // Writing into standard output (or error), whatever it is, without reopening it.
            try Self.refuseSameFile(descriptor: standard, name: path, inputs: inputs)
            self.init(name: path, kind: .standardOutput, descriptor: standard)
            return
        }
        // What the path names, following links (also /proc's links to pipes).
        var status = stat()
        let exists = stat(path, &status) == 0
        if !exists && errno != ENOENT {
            throw .cannotCreate(file: path, reason: Self.systemReason(errno))
        }
        if exists {
            try Self.refuseSameFile(status, name: path, inputs: inputs)
            let type = status.st_mode & S_IFMT
            if type == S_IFDIR { throw .cannotCreate(file: path, reason: "it is a directory") }
            if type != S_IFREG {
                // Devices, FIFOs, sockets: write into them, never replace them.
                let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
                guard descriptor >= 0 else { throw .cannotCreate(file: path, reason: Self.systemReason(errno)) }
                self.init(name: path, kind: .inPlace, descriptor: descriptor)
                return
            }
            if access(path, W_OK) != 0 || status.st_mode & 0o222 == 0 {
                throw .cannotCreate(
                    file: path,
                    reason: "the existing file is not writable (mode \(String(status.st_mode & 0o7777, radix: 8))); "
                        + "kam does not replace a file it may not write")
            }
        }
        // A symbolic link stays a link: its final target is the file replaced (or created).
        let target = try Self.resolvingLinks(path)
        let (directory, base) = Self.split(target)
        var folder = stat()
        if stat(directory, &folder) != 0 {
            throw .cannotCreate(file: path, reason: "the folder \(directory): \(Self.systemReason(errno))")
        }
        if folder.st_mode & S_IFMT != S_IFDIR {
            throw .cannotCreate(file: path, reason: "\(directory) is not a folder")
        }
        // A fresh name in the same folder, created exclusively with mode 0666 less the umask.
        var random = SystemRandomNumberGenerator()
        var temporary = ""
        var descriptor: Int32 = -1
        for _ in 0..<32 {
            let suffix = String(random.next() & 0xFF_FFFF_FFFF, radix: 36)
            temporary = (directory == "/" ? "/" : directory + "/") + "." + base + ".kam-" + suffix
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else { throw .cannotCreate(file: path, reason: Self.systemReason(errno)) }
        if exists {
            // Keep the old file's permissions, and its owner and group where allowed.
            _ = fchown(descriptor, status.st_uid, status.st_gid)
            if fchmod(descriptor, status.st_mode & 0o7777) != 0 {
                let reason = Self.systemReason(errno)
                close(descriptor)
                unlink(temporary)
                throw .cannotCreate(file: path, reason: "cannot keep the file's permissions: \(reason)")
            }
        }
        self.init(name: path, kind: .replacing(temporary: temporary, target: target), descriptor: descriptor)
    }

    deinit {
        if !finished { discard() }
    }

    /// Appends bytes; they reach the file when the buffer fills or at ``flush()``.
    public func write(_ bytes: [UInt8]) {
        write(bytes[...])
    }

    /// Appends bytes; they reach the file when the buffer fills or at ``flush()``.
    public func write(_ bytes: ArraySlice<UInt8>) {
        guard failure == nil, !finished else { return }
        guard makesRoom(for: bytes.count) else {
            send(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends a string's UTF-8 bytes.
    public func write(_ text: String) {
        guard failure == nil, !finished else { return }
        ByteView.withBytes(of: text) { bytes in
            guard makesRoom(for: bytes.count) else {
                send(Array(bytes)[...])
                return
            }
            buffer.append(bytes)
        }
    }

    /// Whether `count` more bytes go into the buffer (written first if they would overflow
    /// it); `false` when they are to be written straight to the file (as many as the buffer
    /// holds, or more).
    private func makesRoom(for count: Int) -> Bool {
        guard buffer.count + count > Self.bufferSize else { return true }
        drain()
        return count < Self.bufferSize
    }

    /// Writes the buffered bytes to the file.
    ///
    /// - Throws: The first failure so far.
    public func flush() throws(OutputFileError) {
        drain()
        finishDirect()
        if let failure { throw failure }
    }

    /// Finishes the output: writes the buffer, then for a replaced file `fsync`s, closes and
    /// renames it over the target (and `fsync`s the folder); for a device, closes it.
    ///
    /// - Throws: ``OutputFileError/writeFailed(file:reason:)`` with the first failure; the
    ///   temporary file is then removed and the old file is untouched.
    public func commit() throws(OutputFileError) {
        guard !finished else {
            if let failure { throw failure }
            return
        }
        drain()
        finishDirect()
        switch kind {
        case .standardOutput:
            finished = true
            if let failure { throw failure }
            // A regular file behind standard output: make the bytes durable and surface
            // delayed errors (NFS, quotas).
            var status = stat()
            if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, fsync(descriptor) != 0, errno != EINVAL {
                throw fail(errno, "fsync")
            }
        case .inPlace:
            finished = true
            if failure == nil, fsync(descriptor) != 0, errno != EINVAL && errno != EROFS && errno != ENOTSUP {
                record(errno, "fsync")
            }
            if close(descriptor) != 0, failure == nil { record(errno, "close") }
            descriptor = -1
            if let failure { throw failure }
        case .replacing(let temporary, let target):
            if failure == nil, fsync(descriptor) != 0 { record(errno, "fsync") }
            if close(descriptor) != 0, failure == nil { record(errno, "close") }
            descriptor = -1
            finished = true
            if let failure {
                unlink(temporary)
                throw failure
            }
            if rename(temporary, target) != 0 {
                let error = fail(errno, "rename")
                unlink(temporary)
                throw error
            }
            // The rename itself is durable once the folder is synced (best effort).
            let folder = open(Self.split(target).directory, O_RDONLY | O_CLOEXEC)
            if folder >= 0 {
                _ = fsync(folder)
                close(folder)
            }
        }
    }

    /// Abandons the output: a temporary file is removed, the target is untouched.
    public func discard() {
        guard !finished else { return }
        finished = true
        buffer.removeAll()
        direct = nil
        switch kind {
        case .standardOutput: break
        case .inPlace:
            close(descriptor)
        case .replacing(let temporary, _):
            close(descriptor)
            unlink(temporary)
        }
        descriptor = -1
    }

    // MARK: Writing

    private func drain() {
        guard failure == nil, !buffer.isEmpty else {
            buffer.removeAll(keepingCapacity: true)
            return
        }
        send(buffer[...])
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes bytes to the descriptor: past the page cache once a replaced file has reached
    /// ``directFrom`` bytes and its file system takes direct writes, else as they are.
    private func send(_ bytes: ArraySlice<UInt8>) {
        guard failure == nil else { return }
        if !directTried, case .replacing = kind, written + bytes.count >= directFrom {
            directTried = true
            direct = SystemIO.DirectWriter(descriptor: descriptor, offset: written)
        }
        written += bytes.count
        record(direct?.write(bytes) ?? SystemIO.writeAll(descriptor, bytes))
    }

    /// Writes what the direct writer holds (the end of the bytes so far).
    private func finishDirect() {
        guard failure == nil, let direct else { return }
        record(direct.finish())
    }

    /// Records a failed write (`code` is its `errno`; 0: none).
    private func record(_ code: Int32) {
        if code != 0 { record(code, "write") }
    }

    private func record(_ code: Int32, _ call: String) {
        if failure == nil { failure = .writeFailed(file: name, reason: "\(call): \(Self.systemReason(code))") }
    }

    private func fail(_ code: Int32, _ call: String) -> OutputFileError {
        record(code, call)
        return failure ?? .writeFailed(file: name, reason: call)
    }

    // MARK: Paths

    /// Follows symbolic links (also dangling ones, whose target will be created) to the final
    /// path; relative links are resolved against the link's folder.
    static func resolvingLinks(_ path: String) throws(OutputFileError) -> String {
        var current = path
        for _ in 0..<40 {
            var status = stat()
            guard lstat(current, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return current }
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &target, Int(PATH_MAX))
            guard length > 0 else { throw .cannotCreate(file: path, reason: systemReason(errno)) }
            let link = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : split(current).directory + "/" + link
        }
        throw .cannotCreate(file: path, reason: systemReason(ELOOP))
    }

    /// The folder and last component of a path (`.` for a bare name).
    static func split(_ path: String) -> (directory: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    private static func refuseSameFile(
        _ status: stat, name: String, inputs: [ProtectedInput]
    ) throws(OutputFileError) {
        for input in inputs {
            var other = stat()
            if stat(input.path, &other) == 0, other.st_dev == status.st_dev, other.st_ino == status.st_ino,
                status.st_mode & S_IFMT == S_IFREG
            {
                throw .sameFileAsInput(file: name, input: input.path, role: input.role)
            }
        }
    }

    private static func refuseSameFile(
        descriptor: Int32, name: String, inputs: [ProtectedInput]
    ) throws(OutputFileError) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return }
        try refuseSameFile(status, name: name, inputs: inputs)
    }

    /// The descriptor for names of standard output and error (`-` is standard output).
    static func standardDescriptor(_ path: String) -> Int32? {
        switch path {
        case "-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1": 1
        case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2": 2
        default: nil
        }
    }

    static func systemReason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Ignores `SIGXFSZ` so that exceeding `RLIMIT_FSIZE` fails a write with `EFBIG`.
    static func ignoreFileSizeSignal() {
        signal(SIGXFSZ, SIG_IGN)
    }
}

extension OutputFile {
    /// Writes `bytes` to `path` through an ``OutputFile`` and commits it.
    ///
    /// - Throws: ``OutputFileError`` as ``init(path:protecting:)`` and ``commit()`` do.
    public static func write(
        _ bytes: [UInt8], to path: String, protecting inputs: [ProtectedInput] = []
    ) throws(OutputFileError) {
        let file = try OutputFile(path: path, protecting: inputs)
        file.write(bytes)
        try file.commit()
    }

    /// Writes `text` as UTF-8 to `path` through an ``OutputFile`` and commits it.
    public static func write(
        _ text: String, to path: String, protecting inputs: [ProtectedInput] = []
    ) throws(OutputFileError) {
        try write(Array(text.utf8), to: path, protecting: inputs)
    }
}
