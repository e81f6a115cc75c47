/// `hash`: HMAC-SM3 (default) or HMAC-SHA-256 of the value under the masking key, as lowercase
/// hex (`length` characters, default 32). Deterministic, so masked columns still join, and
/// unlinkable across keys.
final class KeyedHashStrategy: MaskStrategy {
    let name = "hash"
    let algorithm: KeyedHash.Algorithm
    let length: Int
    private let keys: KeyRing
    private let hasher: KeyedHash
    @exclusivity(unchecked) private var digest = [UInt8](repeating: 0, count: KeyedHash.outputSize)
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    init(algorithm: KeyedHash.Algorithm, length: Int, keys: KeyRing) throws {
        self.algorithm = algorithm; self.length = length; self.keys = keys
        hasher = try keys.hasher(algorithm)
    }
    static func make(_ p: inout StrategyParameters, keys: KeyRing) throws -> KeyedHashStrategy {
        let a = try p.choice("algorithm", KeyedHash.Algorithm.allCases.map(\.rawValue), default: KeyedHash.Algorithm.hmacSM3.rawValue)
        return try KeyedHashStrategy(algorithm: KeyedHash.Algorithm(rawValue: a)!,
                                     length: try p.int("length", default: 32, range: 8...64), keys: keys)
    }
    var parameters: [(String, String)] { [("algorithm", algorithm.rawValue), ("length", "\(length)")] }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        digest.withUnsafeMutableBufferPointer { d in
            hasher.mac(UnsafeRawBufferPointer(value), into: d.baseAddress!)
            for i in 0..<length {
                let byte = d[i >> 1]
                out.append(KeyedHashStrategy.hexDigits[Int(i & 1 == 0 ? byte >> 4 : byte & 15)])
            }
        }
        return .written
    }
    func copy() throws -> MaskStrategy { try KeyedHashStrategy(algorithm: algorithm, length: length, keys: keys) }
}
