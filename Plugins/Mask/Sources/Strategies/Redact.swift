/// `redact` (default "***") and `constant` (value required): every value becomes the same text.
final class RedactStrategy: MaskStrategy {
    let name: String
    let replacement: [UInt8]
    init(name: String, replacement: String) {
        self.name = name
        self.replacement = Array(replacement.utf8)
    }
    static func make(_ name: String, _ p: inout StrategyParameters) throws -> RedactStrategy {
        if name == "constant" {
            guard let v = p.string("value") else { throw PolicyError("\(p.origin): constant needs a value") }
            return RedactStrategy(name: name, replacement: v)
        }
        return RedactStrategy(name: name, replacement: p.string("value", default: "***"))
    }
    var parameters: [(String, String)] { [("value", String(decoding: replacement, as: UTF8.self))] }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        out.append(contentsOf: replacement)
        return .written
    }
    func copy() throws -> MaskStrategy { self }
}

/// `suppress`: the cell is removed (empty CSV cell, JSON null, SQL NULL).
final class SuppressStrategy: MaskStrategy {
    let name = "suppress"
    var parameters: [(String, String)] { [] }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome { .null }
    func copy() throws -> MaskStrategy { self }
}
