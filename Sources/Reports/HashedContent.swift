import RunHistory
import ScoringIO

/// The ``ContentHash`` of a streamed list, computed from the blocks the ranking reads
/// (``ProspectStream/Configuration/contentObserver``) instead of reading the file a second
/// time: the same value as ``ContentHash/ofFile(atPath:)``, since the blocks are the file's
/// bytes in order and the hash does not depend on how they are split.
public struct HashedContent: ContentObserver, Sendable {
    private var hash = ContentHash()

    public init() {}

    public mutating func observe(bytes: [UInt8]) { hash.update(bytes) }

    /// The hash, as 16 hex digits.
    public var value: String { hash.finalize() }
}
