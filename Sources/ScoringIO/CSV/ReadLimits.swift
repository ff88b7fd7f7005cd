#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The largest field, record and piped input the readers accept, so that a broken or
/// endless input (`/dev/zero`, a never-closed quote, an endless pipe) is refused with its
/// line instead of growing memory until the process is killed.
///
/// | limit | default | environment variable |
/// |---|---|---|
/// | one field | 1 MiB | `KAM_MAX_FIELD_BYTES` |
/// | one record (also one line without a line break) | 64 MiB | `KAM_MAX_RECORD_BYTES` |
/// | a non-regular input read into memory (pipe, `-`, device) | 4 GiB | `KAM_MAX_PIPE_BYTES` |
///
/// Values are bytes, optionally with a `K`, `M` or `G` suffix (powers of 1024); an
/// unreadable value is ignored and the default used. Regular files have no size limit:
/// they are streamed.
public struct ReadLimits: Sendable, Equatable {
    /// The most bytes in one field (as written in the file, quotes included).
    public var fieldBytes: Int
    /// The most bytes in one record, line breaks inside quoted fields included.
    public var recordBytes: Int
    /// The most bytes read into memory from an input that is not a regular file.
    public var pipeBytes: Int

    public init(fieldBytes: Int = 1 << 20, recordBytes: Int = 64 << 20, pipeBytes: Int = 4 << 30) {
        self.fieldBytes = fieldBytes
        self.recordBytes = recordBytes
        self.pipeBytes = pipeBytes
    }

    /// The defaults, overridden by the environment variables in the type's table.
    public static let current: ReadLimits = {
        var limits = ReadLimits()
        if let value = environmentBytes("KAM_MAX_FIELD_BYTES") { limits.fieldBytes = value }
        if let value = environmentBytes("KAM_MAX_RECORD_BYTES") { limits.recordBytes = value }
        if let value = environmentBytes("KAM_MAX_PIPE_BYTES") { limits.pipeBytes = value }
        return limits
    }()

    /// A byte count such as `1048576`, `512K`, `64M`, `2G`; `nil` if not one.
    static func bytes(_ text: String) -> Int? {
        var digits = Substring(text.trimmingSpaces)
        var scale = 1
        switch digits.last.map({ Character($0.uppercased()) }) {
        case "K": scale = 1 << 10
        case "M": scale = 1 << 20
        case "G": scale = 1 << 30
        default: break
        }
        if scale > 1 { digits = digits.dropLast() }
        guard let value = Int(digits), value > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    private static func environmentBytes(_ name: String) -> Int? {
        guard let raw = getenv(name) else { return nil }
        return bytes(String(cString: raw))
    }

    /// `bytes` as "1 MiB", "64 MiB", "512 KiB" or "1000 bytes" for messages.
    public static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 30 && bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
