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
    private(set) var assets: [String: Asset] = [:]
    private(set) var order: [String] = []
    static let maxOccurrences = 20

    /// Rule ids of findings about each asset (for the CBOM).
    private(set) var findingRules: [String: Set<String>] = [:]
    private var touched: [String] = []

    /// Adds an observation; returns the ids of the assets it touched.
    @discardableResult
    mutating func add(_ o: Observation) -> [String] {
        touched.removeAll()
        addAssets(o)
        return touched
    }

    mutating func attach(ruleId: String, to ids: [String]) {
        for id in ids { findingRules[id, default: []].insert(ruleId) }
    }

    private mutating func addAssets(_ o: Observation) {
        switch o.kind {
        case .algorithm(let c, let role):
            if c.family == "?" && c.mode != "ECB" { return }
            let name = c.family == "?" ? "block cipher in ECB mode" : c.displayName
            put(Asset(kind: .algorithm, name: name, classification: AlgorithmCatalog.classify(c), layer: o.layer, component: c), o, role: role.rawValue)
        case .protocolVersion(let v):
            var a = Asset(kind: .protocol, name: v.rawValue, classification: v.classification, layer: o.layer)
            a.protocolVersion = v
            put(a, o)
        case .cipherSuite(let j):
            let names = j.members.isEmpty ? [j.name] : j.members
            for n in names {
                let one = j.members.isEmpty ? j : CipherSuiteCatalog.judge(n)
                var a = Asset(kind: .cipherSuite, name: n, classification: one.classification, layer: o.layer)
                a.suites = [n]
                put(a, o)
            }
        case .sshAlgorithm(let name, let kind):
            let (cls, _) = SSHAlgorithmCatalog.judge(name, kind: kind)
            put(Asset(kind: .algorithm, name: name, classification: cls, layer: o.layer), o, role: "ssh-" + kind.rawValue.lowercased())
        case .certificate(let c):
            var a = Asset(kind: .certificate, name: "\(c.subject) [\(c.sha256.prefix(16))]", classification: certificateClass(c), layer: o.layer)
            a.certificate = c
            put(a, o)
            for comp in c.signatureComponents {
                put(Asset(kind: .algorithm, name: comp.displayName, classification: AlgorithmCatalog.classify(comp), layer: o.layer, component: comp), o, role: "certificate-signature")
            }
        case .privateKey(let k):
            var a = Asset(kind: .key, name: "\(k.displayName) \(k.isPrivate ? "private" : "public") key @ \(o.location.input):\(o.location.line ?? 0)",
                          classification: keyClass(k), layer: o.layer)
            a.key = k
            put(a, o)
        case .library(let name, let version, _):
            var a = Asset(kind: .library, name: version.map { "\(name) \($0)" } ?? name, classification: .unknown, layer: o.layer)
            a.libraryVersion = version
            put(a, o)
        case .binaryConstant(let alg, _):
            let comps = AlgorithmCatalog.parse(alg)
            guard let c = comps.first else { return }
            put(Asset(kind: .algorithm, name: c.displayName, classification: AlgorithmCatalog.classify(c), layer: o.layer, component: c), o, role: "implementation")
        default:
            return
        }
    }

    private mutating func put(_ a: Asset, _ o: Observation, role: String? = nil) {
        let id = a.id
        touched.append(id)
        if assets[id] == nil { assets[id] = a; order.append(id) }
        assets[id]!.count += 1
        if let role { assets[id]!.roles.insert(role) }
        if assets[id]!.occurrences.count < Self.maxOccurrences { assets[id]!.occurrences.append(o.location) }
    }

    func certificateClass(_ c: CertificateInfo) -> AlgorithmClass {
        let sig = c.signatureComponents.map(AlgorithmCatalog.classify).max() ?? .unknown
        return max(sig, keyClass(c.key))
    }

    func keyClass(_ k: KeyInfo) -> AlgorithmClass {
        if k.algorithm == "unknown" { return .unknown }
        return AlgorithmCatalog.classify(k.component)
    }

    var sortedAssets: [Asset] { order.compactMap { assets[$0] } }

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
