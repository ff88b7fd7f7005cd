import ScoringIO

/// Writes CSV in a ``CSVOutputStyle`` (`--excel`, `--output-encoding gb18030`) through another sink.
struct StyledCSVSink<Base: OutputSink>: OutputSink {
    var base: Base
    var transformer: CSVOutputTransformer
    /// The first failure; later writes are dropped and the caller reports it.
    private(set) var failure: CSVOutputTransformer.Failure?

    init(base: Base, style: CSVOutputStyle) {
        self.base = base
        self.transformer = CSVOutputTransformer(style: style)
    }

    mutating func write(_ text: String) { write(bytes: Array(text.utf8)) }

    mutating func write(bytes: [UInt8]) {
        guard failure == nil else { return }
        do { base.write(bytes: try transformer.transform(bytes)) } catch { failure = error }
    }

    mutating func flush() { base.flush() }
}
