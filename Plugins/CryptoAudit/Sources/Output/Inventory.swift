import DSToolKit

/// One cryptographic asset of the inventory: an algorithm, protocol, cipher suite, certificate,
/// key or library, with every place it was seen (up to a limit) and how often.
struct Asset {
    enum Kind: String { case algorithm, `protocol`, cipherSuite = "cipher-suite", certificate, key, library }
    var kind: Kind
    var name: String
    var classification: AlgorithmClass
    var layer: SecurityLayer
    var component: AlgorithmComponent?
    var roles: Set<String> = []
    var certificate: CertificateInfo?
    var key: KeyInfo?
    var protocolVersion: ProtocolVersion?
    var suites: [String] = []
    var libraryVersion: String?
    var occurrences: [Location] = []
    var count = 0

    var id: String { "\(kind.rawValue)|\(layer.rawValue)|\(name)" }
}

/// Builds the inventory from observations, and the national-algorithm coverage per layer.
struct Inventory {
    /// Assets in the order they were first seen; `index` finds one by its id.
    private(set) var assetList: [Asset] = []
    private var index: [String: Int] = [:]
    /// The asset an algorithm observation goes to, by component and layer: most observations are
    /// algorithms seen many times, and this spares the display name and id String per observation.
    private var algorithmAssets: [AlgorithmAssetKey: Int] = [:]
    static let maxOccurrences = 20

    /// Rule ids of findings about each asset (for the CBOM), by position in `assetList`.
    private var rulesByAsset: [Set<String>] = []
    /// The algorithm roles already in each asset's `roles` (one bit per role), by position: the
    /// role String is hashed only the first time.
    private var roleBits: [UInt16] = []
    private var touched: [Int] = []

    private struct AlgorithmAssetKey: Hashable {
        var component: AlgorithmComponent
        var layer: SecurityLayer

        func hash(into hasher: inout Hasher) {
            hasher.combine(component)
            hasher.combine(layer.position)
        }
    }

    /// Adds an observation; returns the positions of the assets it touched.
    @discardableResult
    mutating func add(_ o: Observation) -> [Int] {
        withUnsafePointer(to: o) { add(observedAt: $0) }
    }

    /// `add` of the observation at `o`, read in place: passing an observation read from an array
    /// copied it whole (a retain and release of every part) for the few fields read here.
    @discardableResult
    mutating func add(observedAt o: UnsafePointer<Observation>) -> [Int] {
        touched.removeAll(keepingCapacity: true)
        addAssets(o)
        return touched
    }

    mutating func attach(ruleId: String, to assets: [Int]) {
        for i in assets { rulesByAsset[i].insert(ruleId) }
    }

    /// Rule ids of findings about each asset, by asset id.
    var findingRules: [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for (i, rules) in rulesByAsset.enumerated() where !rules.isEmpty { out[assetList[i].id] = rules }
        return out
    }

    private mutating func addAssets(_ o: UnsafePointer<Observation>) {
        switch o.pointee.kind {
        case .algorithm(let c, let role):
            if c.family == "?" && c.mode != "ECB" { return }
            let key = AlgorithmAssetKey(component: c, layer: o.pointee.layer)
            let i: Int
            if let known = algorithmAssets[key] {
                i = known
            } else {
                let name = c.family == "?" ? "block cipher in ECB mode" : c.displayName
                i = slot(Asset(kind: .algorithm, name: name, classification: AlgorithmCatalog.classify(c), layer: o.pointee.layer, component: c))
                algorithmAssets[key] = i
            }
            let bit = UInt16(1) << UInt16(role.position)
            if roleBits[i] & bit == 0 {
                roleBits[i] |= bit
                record(i, o, role: role.rawValue)
            } else {
                record(i, o, role: nil)
            }
        case .protocolVersion(let v):
            var a = Asset(kind: .protocol, name: v.rawValue, classification: v.classification, layer: o.pointee.layer)
            a.protocolVersion = v
            put(a, o)
        case .cipherSuite(let j):
            let names = j.members.isEmpty ? [j.name] : j.members
            for n in names {
                let one = j.members.isEmpty ? j : CipherSuiteCatalog.judge(n)
                var a = Asset(kind: .cipherSuite, name: n, classification: one.classification, layer: o.pointee.layer)
                a.suites = [n]
                put(a, o)
            }
        case .sshAlgorithm(let name, let kind):
            let (cls, _) = SSHAlgorithmCatalog.judge(name, kind: kind)
            put(Asset(kind: .algorithm, name: name, classification: cls, layer: o.pointee.layer), o, role: "ssh-" + kind.rawValue.lowercased())
        case .certificate(let c):
            var a = Asset(kind: .certificate, name: "\(c.subject) [\(c.sha256.prefix(16))]", classification: certificateClass(c), layer: o.pointee.layer)
            a.certificate = c
            put(a, o)
            for comp in c.signatureComponents {
                put(Asset(kind: .algorithm, name: comp.displayName, classification: AlgorithmCatalog.classify(comp), layer: o.pointee.layer, component: comp), o, role: "certificate-signature")
            }
        case .privateKey(let k):
            var a = Asset(kind: .key, name: "\(k.displayName) \(k.isPrivate ? "private" : "public") key @ \(o.pointee.location.input):\(o.pointee.location.line ?? 0)",
                          classification: keyClass(k), layer: o.pointee.layer)
            a.key = k
            put(a, o)
        case .library(let name, let version, _):
            var a = Asset(kind: .library, name: version.map { "\(name) \($0)" } ?? name, classification: .unknown, layer: o.pointee.layer)
            a.libraryVersion = version
            put(a, o)
        case .binaryConstant(let alg, _):
            let comps = AlgorithmCatalog.parse(alg)
            guard let c = comps.first else { return }
            put(Asset(kind: .algorithm, name: c.displayName, classification: AlgorithmCatalog.classify(c), layer: o.pointee.layer, component: c), o, role: "implementation")
        default:
            return
        }
    }

    /// The position of the asset with `a`'s id; `a` is kept when the id is new (the first sighting
    /// describes the asset).
    private mutating func slot(_ a: Asset) -> Int {
        let id = a.id
        if let i = index[id] { return i }
        index[id] = assetList.count
        assetList.append(a)
        rulesByAsset.append([])
        roleBits.append(0)
        return assetList.count - 1
    }

    private mutating func put(_ a: Asset, _ o: UnsafePointer<Observation>, role: String? = nil) {
        record(slot(a), o, role: role)
    }

    /// Counts a sighting of asset `i` (and its role, unless the caller knows it is there).
    private mutating func record(_ i: Int, _ o: UnsafePointer<Observation>, role: String?) {
        touched.append(i)
        assetList[i].count += 1
        if let role { assetList[i].roles.insert(role) }
        if assetList[i].occurrences.count < Self.maxOccurrences { assetList[i].occurrences.append(o.pointee.location) }
    }

    func certificateClass(_ c: CertificateInfo) -> AlgorithmClass {
        let sig = c.signatureComponents.map(AlgorithmCatalog.classify).max() ?? .unknown
        return max(sig, keyClass(c.key))
    }

    func keyClass(_ k: KeyInfo) -> AlgorithmClass {
        if k.algorithm == "unknown" { return .unknown }
        return AlgorithmCatalog.classify(k.component)
    }

    var sortedAssets: [Asset] { assetList }

    /// Per layer: distinct algorithm, protocol and suite assets by class, and the national share.
    func coverage() -> [SecurityLayer: [AlgorithmClass: Int]] {
        var out: [SecurityLayer: [AlgorithmClass: Int]] = [:]
        for l in SecurityLayer.allCases { out[l] = [:] }
        for a in sortedAssets where a.kind != .library && a.classification != .unknown {
            out[a.layer]![a.classification, default: 0] += 1
        }
        return out
    }
}

extension AlgorithmRole {
    /// Position among the cases (for `Inventory`'s role bits).
    var position: Int {
        switch self {
        case .encrypt: return 0
        case .digest: return 1
        case .mac: return 2
        case .sign: return 3
        case .keygen: return 4
        case .keyAgree: return 5
        case .kdf: return 6
        case .random: return 7
        case .channel: return 8
        case .certificateSignature: return 9
        case .key: return 10
        case .implementation: return 11
        }
    }
}
