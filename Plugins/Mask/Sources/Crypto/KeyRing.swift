import DSToolKit

/// The keys strategies are built from. Each purpose gets its own key derived from the one
/// masking key; instances (cipher contexts, MAC contexts) are made per strategy and per thread.
public final class KeyRing {
    let key: MaskKey
    /// FF1's block cipher unless a rule names another.
    public var defaultCipher: BlockCipher.Algorithm
    private var derived: [String: [UInt8]] = [:]

    public init(key: MaskKey, defaultCipher: BlockCipher.Algorithm = .aes) {
        self.key = key
        self.defaultCipher = defaultCipher
    }

    deinit {
        for k in derived.keys { derived[k]!.withUnsafeMutableBytes { memset_s_portable($0.baseAddress!, $0.count) } }
        derived.removeAll()
    }

    private func material(_ purpose: String, _ count: Int) -> [UInt8] {
        if let k = derived[purpose] { return k }
        let k = key.derive(purpose, count: count)
        derived[purpose] = k
        return k
    }

    /// FF1 keys: AES-256 or SM4-128.
    public func cipher(_ algorithm: BlockCipher.Algorithm) throws -> BlockCipher {
        switch algorithm {
        case .aes: return try BlockCipher(.aes, key: material("ff1-aes-256", 32))
        case .sm4: return try BlockCipher(.sm4, key: material("ff1-sm4", 16))
        }
    }

    /// The keyed hash that `hash` strategies output.
    public func hasher(_ algorithm: KeyedHash.Algorithm) throws -> KeyedHash {
        try KeyedHash(algorithm, key: material("hash-" + algorithm.rawValue, 32))
    }

    /// The keyed choice function behind surrogates and date offsets (never output directly).
    public func chooser() throws -> KeyedHash {
        try KeyedHash(.hmacSHA256, key: material("choice", 32))
    }

    public var identifier: String { key.identifier }
}
