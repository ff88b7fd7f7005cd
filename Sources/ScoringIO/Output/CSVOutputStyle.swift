/// How a CSV file is laid out for the program that opens it: Excel in a Chinese office wants
/// a UTF-8 byte-order mark (or GB18030 text) and CRLF line ends, else it shows mojibake.
public struct CSVOutputStyle: Sendable, Equatable {
    public enum Encoding: String, Sendable, CaseIterable {
        case utf8
        case gb18030
    }

    /// Records end in CRLF instead of LF (line breaks inside quoted fields are kept as written).
    public var crlf: Bool
    /// UTF-8 output starts with a byte-order mark (GB18030 output never does: Excel reads it
    /// as the system code page).
    public var byteOrderMark: Bool
    public var encoding: Encoding

    public init(crlf: Bool = false, byteOrderMark: Bool = false, encoding: Encoding = .utf8) {
        self.crlf = crlf
        self.byteOrderMark = byteOrderMark
        self.encoding = encoding
    }

    /// `--excel`: UTF-8 with a byte-order mark and CRLF, or GB18030 and CRLF.
    public static func excel(encoding: Encoding = .utf8) -> CSVOutputStyle {
        CSVOutputStyle(crlf: true, byteOrderMark: encoding == .utf8, encoding: encoding)
    }

    /// Whether output in this style differs from plain UTF-8 with LF.
    public var isPlain: Bool { !crlf && !byteOrderMark && encoding == .utf8 }
}

/// Rewrites UTF-8 CSV bytes, written piece by piece, in a ``CSVOutputStyle``.
///
/// Pieces must end on character boundaries (the CSV writers write whole records or strings).
/// Quotes are tracked across pieces, so only record ends become CRLF.
public struct CSVOutputTransformer: Sendable {
    public let style: CSVOutputStyle
    private var inQuotes = false
    private var started = false

    public init(style: CSVOutputStyle) {
        self.style = style
    }

    /// Why a piece cannot be written in the style.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// A character GB18030 cannot encode (it encodes all of Unicode, so this means the
        /// system's iconv lacks GB18030).
        case cannotEncode(String)

        public var description: String {
            switch self {
            case .cannotEncode(let reason): return "the output cannot be written as GB18030: \(reason)"
            }
        }
    }

    /// The bytes to write for the next piece of UTF-8 CSV.
    public mutating func transform(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16 + 4)
        if !started {
            started = true
            if style.byteOrderMark && style.encoding == .utf8 { out += [0xEF, 0xBB, 0xBF] }
        }
        if style.crlf {
            var previous: UInt8 = 0
            for byte in bytes {
                if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
                if byte == UInt8(ascii: "\n"), !inQuotes, previous != UInt8(ascii: "\r") { out.append(UInt8(ascii: "\r")) }
                out.append(byte)
                previous = byte
            }
        } else {
            out += bytes
        }
        guard style.encoding == .gb18030 else { return out }
        do {
            return try Iconv.convert(out, from: "UTF-8", to: "GB18030")
        } catch {
            throw .cannotEncode("\(error)")
        }
    }
}
