import DSToolKit
import Foundation

/// What the evidence collector has to gather for a set of checks (so a pack that does not look
/// at logs does not read them, and only items some check cares about are scanned in full).
public struct EvidenceNeeds: Sendable {
    /// What the personal-data scan of whole items must answer (which items, which kinds, how many).
    public var scanQuestions: [ScanQuestion] = []
    public var tables = false
    public var configs: Set<ConfigType> = []
    public var logs = false
    public var documents = false
    public var backups = false
    public var crypto = false
    /// Personal-data kinds some check counts (the matcher looks for these only).
    public var piKinds: Set<String> = []
    public init() {}

    mutating func merge(_ o: EvidenceNeeds) {
        for q in o.scanQuestions where !scanQuestions.contains(q) { scanQuestions.append(q) }
        tables = tables || o.tables
        configs.formUnion(o.configs)
        logs = logs || o.logs
        documents = documents || o.documents
        backups = backups || o.backups
        crypto = crypto || o.crypto
        piKinds.formUnion(o.piKinds)
    }
}

/// A question a check asks of the content of some items: "does it hold at least `minValues`
/// values of these kinds?". An item is scanned while some question that applies to it is open;
/// once all are answered the rest of it is not scanned (its counts are then lower bounds).
public struct ScanQuestion: Hashable, Sendable {
    /// Applies to items with any of these roles...
    public var roles: ItemRoles
    /// ...but none of these...
    public var excludedRoles: ItemRoles = []
    /// ...and, when not 0, whose mode has one of these permission bits.
    public var readableMask: UInt32 = 0
    public var kinds: Set<String>
    public var minValues: Int = 1

    func applies(roles r: ItemRoles, mode: UInt32?) -> Bool {
        guard !r.isDisjoint(with: roles), r.isDisjoint(with: excludedRoles) else { return false }
        if readableMask != 0 { return (mode ?? 0) & readableMask != 0 }
        return true
    }
}

/// Options of one evaluation (the "today" every age is measured from).
public struct EvaluationContext: Sendable {
    public var asOf: Day
    public init(asOf: Day) { self.asOf = asOf }
}

/// A typed check primitive. Each one is one file in Primitives/, registered in `PrimitiveRegistry`.
/// It reads its arguments at pack-load time (errors carry file:line:column) and decides from the
/// collected evidence at the end of the walk.
protocol CheckPrimitive: Sendable {
    static var name: String { get }
    init(_ args: PrimitiveArgs) throws
    var needs: EvidenceNeeds { get }
    func evaluate(_ evidence: Evidence, _ context: EvaluationContext) -> Verdict
}

enum PrimitiveRegistry {
    static let all: [any CheckPrimitive.Type] = [
        PersonalDataPlaintext.self,
        PasswordStorage.self,
        PersonalDataFilePermissions.self,
        ConfigValue.self,
        LogRetention.self,
        DocumentPresent.self,
        TestDataRealPersonalData.self,
        BackupEncrypted.self,
        CryptoSettings.self,
    ]
    static func named(_ name: String) -> (any CheckPrimitive.Type)? { all.first { $0.name == name } }
}

/// A primitive's arguments: a mapping whose values may name a control parameter as `${name}`
/// (then the parameter's node, from the control's defaults or the pack's override, is used, so an
/// error points at the line that set the bad value). Every key must be read: unknown ones are errors.
struct PrimitiveArgs {
    let primitive: String
    let mapping: YMapping
    let parameters: [String: YNode]
    private var used = Set<String>()
    let position: SourcePosition

    init(primitive: String, mapping: YMapping, parameters: [String: YNode]) {
        self.primitive = primitive; self.mapping = mapping; self.parameters = parameters
        self.position = mapping.node.position
    }

    func error(_ message: String) -> PackError { PackError(position, "\(primitive): \(message)") }

    /// The argument's node with `${param}` resolved.
    mutating func node(_ key: String) throws -> YNode? {
        used.insert(key)
        guard let n = mapping[key] else { return nil }
        if n.isScalar, let raw = try? n.scalar(key), raw.hasPrefix("${"), raw.hasSuffix("}") {
            let name = String(raw.dropFirst(2).dropLast())
            guard let p = parameters[name] else { throw n.error("\(primitive).\(key): no parameter '\(name)' in this control") }
            return p
        }
        return n
    }

    mutating func require(_ key: String) throws -> YNode {
        guard let n = try node(key) else { throw mapping.node.error("\(primitive) needs '\(key)'") }
        return n
    }

    mutating func string(_ key: String) throws -> String? { try node(key)?.text("\(primitive).\(key)") }
    mutating func strings(_ key: String) throws -> [String]? { try node(key)?.texts("\(primitive).\(key)") }
    mutating func int(_ key: String, min: Int? = nil, max: Int? = nil) throws -> Int? {
        try node(key)?.int("\(primitive).\(key)", min: min, max: max)
    }
    mutating func double(_ key: String) throws -> Double? { try node(key)?.double("\(primitive).\(key)") }
    mutating func bool(_ key: String) throws -> Bool? { try node(key)?.bool("\(primitive).\(key)") }

    /// Personal-data kinds, checked against the detector's list.
    mutating func kinds(_ key: String) throws -> Set<String>? {
        guard let n = try node(key) else { return nil }
        let names = try n.textNodes("\(primitive).\(key)")
        for (name, node) in names where !PersonalData.kindNames.contains(name) {
            throw node.error("\(primitive).\(key): unknown personal-data kind '\(name)' (known: \(PersonalData.kindNames.sorted().joined(separator: ", ")))")
        }
        return Set(names.map(\.text))
    }

    func finish() throws {
        for p in mapping.pairs where !used.contains(p.key) {
            throw p.keyNode.error("unknown argument '\(p.key)' for \(primitive)")
        }
    }
}
