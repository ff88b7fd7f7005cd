import ScoringIO

/// Writes CSV in a ``CSVOutputStyle`` (`--excel`, `--output-encoding gb18030`) through another sink.
public struct StyledCSVSink<Base: OutputSink>: OutputSink {
    public var base: Base
    public var transformer: CSVOutputTransformer
    /// The first failure; later writes are dropped and the caller reports it.
    public private(set) var failure: CSVOutputTransformer.Failure?

    public init(base: Base, style: CSVOutputStyle) {
        self.base = base
        self.transformer = CSVOutputTransformer(style: style)
    }

    public mutating func write(_ text: String) { write(bytes: Array(text.utf8)) }

    public mutating func write(bytes: [UInt8]) {
        guard failure == nil else { return }
        do { base.write(bytes: try transformer.transform(bytes)) } catch { failure = error }
    }

    public mutating func flush() { base.flush() }
}
