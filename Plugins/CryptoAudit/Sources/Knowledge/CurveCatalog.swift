/// Elliptic curves by any of their spellings: secp256r1, prime256v1, P-256, NID_X9_62_prime256v1,
/// brainpoolP256r1, sect163k1, SM2 (sm2p256v1), X25519, Ed448.
public struct Curve: Hashable, Sendable {
    /// Canonical name (the neuromancer.sk spelling CycloneDX recommends, e.g. "secp256r1").
    public let name: String
    public let bits: Int
    public var classification: AlgorithmClass {
        if name == "SM2" { return .national }
        // Below 224 bits the security level is under 112 bits (the threshold RSA 2048 also sets).
        return bits < 224 ? .forbidden : .acceptable
    }
}

public enum CurveCatalog {
    public static func parse(_ text: String) -> Curve? {
        var t = String(text.uppercased().unicodeScalars.filter { ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value >= 0x41 && $0.value <= 0x5A) })
        for prefix in ["NIDX962", "NID", "X962", "SECG"] where t.hasPrefix(prefix) { t.removeFirst(prefix.count) }
        if t == "SM2" || t.hasPrefix("SM2P256") || t == "SM2CURVE" { return Curve(name: "SM2", bits: 256) }
        if t == "X25519" || t == "ED25519" || t == "CURVE25519" { return Curve(name: "curve25519", bits: 255) }
        if t == "X448" || t == "ED448" || t == "CURVE448" { return Curve(name: "curve448", bits: 448) }
        // prime192v1 = secp192r1 = P-192; prime256v1 = secp256r1 = P-256 (X9.62 names).
        if t.hasPrefix("PRIME"), let n = leadingNumber(t.dropFirst(5)) { return Curve(name: "secp\(n)r1", bits: n) }
        for (prefix, style) in [("SECP", "secp"), ("SECT", "sect"), ("BRAINPOOLP", "brainpoolP"), ("ANSIP", "secp"), ("ANSIT", "sect")] where t.hasPrefix(prefix) {
            guard let n = leadingNumber(t.dropFirst(prefix.count)) else { return nil }
            let suffix = t.dropFirst(prefix.count + String(n).count).lowercased()
            return Curve(name: style + String(n) + (suffix.isEmpty ? "r1" : suffix), bits: n)
        }
        if t.hasPrefix("P"), let n = leadingNumber(t.dropFirst()), [192, 224, 256, 384, 521].contains(n), t.count == 1 + String(n).count {
            return Curve(name: "secp\(n)r1", bits: n)
        }
        // Go's elliptic.P256 and .NET's ECCurve.NamedCurves.nistP256.
        if t.hasPrefix("NISTP"), let n = leadingNumber(t.dropFirst(5)) { return Curve(name: "secp\(n)r1", bits: n) }
        return nil
    }

    private static func leadingNumber(_ s: Substring) -> Int? {
        let digits = s.prefix { $0.isNumber }
        return digits.isEmpty ? nil : Int(digits)
    }
}
