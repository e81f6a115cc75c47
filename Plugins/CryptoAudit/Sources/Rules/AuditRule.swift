import DSToolKit
import FoundationEssentials

/// What a rule is: its id, default severity, title, CWE and remediation (the manifest lists the same).
public struct RuleDefinition: Sendable {
    public let id: String
    public let severity: Severity
    public let title: LocalizedText
    public let cwe: [String]
    public let remediation: LocalizedText
}

/// What rules need besides the observation: the time to judge validity at, and the thresholds.
public struct AuditSettings: Sendable {
    /// Seconds since 1970 that certificate validity is judged at.
    public var now: Int64
    /// Certificates expiring within this many days are reported.
    public var expiryDays: Int
    public var clauses: Clauses
    public init(now: Int64 = Int64(Date().timeIntervalSince1970), expiryDays: Int = 30, clauses: Clauses = Clauses()) {
        self.now = now; self.expiryDays = expiryDays; self.clauses = clauses
    }
}

/// A rule's verdict on one observation.
public struct RuleHit: Sendable {
    public var severity: Severity
    public var message: LocalizedText
    public var classification: AlgorithmClass
    /// Whether the high-risk judgement guide names this problem (the finding then cites it).
    public var highRisk: Bool
    /// The algorithm or protocol the finding is about, for the report's properties.
    public var subject: String?
}

/// One misuse class. Each rule is one file in this folder and one line in `AuditRules.all`.
/// A rule judges what was seen (the observation's kind, layer, source, security use, confidence)
/// and never where (location, evidence): the plugin's run remembers the verdicts on algorithm
/// observations by what was seen.
public protocol AuditRule: Sendable {
    var definition: RuleDefinition { get }
    func evaluate(_ observation: Observation, _ settings: AuditSettings) -> RuleHit?
}

/// Keeps the first finding of each rule, place and subject (the hit's algorithm, else its
/// message), asked before the finding is made. Observations come input by input, and an input
/// has a few findings: its keys are searched in a short list (integers first, the subject only
/// when they match), not hashed; an input with many keys moves them to a set. An input seen
/// again later (archive members share theirs) gets its earlier keys back.
struct FindingDeduplicator {
    private struct Key: Hashable {
        var rule: Int
        var line: Int
        var row: Int64
        var subject: String
    }
    /// The keys of one input.
    private struct InputKeys {
        var list: [Key] = []
        var set: Set<Key>?
        /// Beyond this many keys a linear search costs more than hashing.
        static let listLimit = 32

        var isEmpty: Bool { list.isEmpty && set == nil }

        mutating func insert(_ k: Key) -> Bool {
            if set != nil { return set!.insert(k).inserted }
            for e in list where e.rule == k.rule && e.line == k.line && e.row == k.row && e.subject == k.subject { return false }
            // An input has a few findings: room for them at once, not by doubling from one.
            if list.isEmpty { list.reserveCapacity(8) }
            list.append(k)
            if list.count > Self.listLimit { set = Set(list); list = [] }
            return true
        }
    }
    private var current = InputKeys()
    private var earlier: [String: InputKeys] = [:]
    private var lastInput: String?

    mutating func accept(rule: Int, location: Location, subject: String) -> Bool {
        if location.input != lastInput {
            // An input without keys is the same as one never seen: not kept (most are not seen again).
            if let last = lastInput, !current.isEmpty { earlier[last] = current }
            current = earlier.removeValue(forKey: location.input) ?? InputKeys()
            lastInput = location.input
        }
        return current.insert(Key(rule: rule, line: location.line ?? -1, row: location.row ?? -1, subject: subject))
    }
}

public enum AuditRules {
    public static let all: [any AuditRule] = [
        BrokenCipherRule(), ECBModeRule(), StaticIVRule(), WeakHashRule(), WeakKeySizeRule(), WeakRandomRule(),
        HardcodedKeyRule(), HardcodedPasswordRule(), StaticSaltRule(), LowIterationCountRule(),
        CertificateValidationDisabledRule(), HostnameVerificationDisabledRule(), PlainHTTPRule(),
        WeakProtocolRule(), WeakCipherSuiteRule(), PermissiveCipherPolicyRule(), WeakSSHAlgorithmRule(),
        CertificateExpiredRule(), CertificateExpiringRule(), CertificateSelfSignedRule(), CertificateWeakSignatureRule(),
        UnprotectedPrivateKeyRule(), OutdatedCryptoLibraryRule(),
    ]

    /// The rules' definitions, read once (each `definition` of an `any AuditRule` is a copy).
    static let definitions: [RuleDefinition] = all.map(\.definition)

    /// Every finding the rules make of one observation.
    public static func evaluate(_ o: Observation, settings: AuditSettings) -> [Finding] {
        var out: [Finding] = []
        forEachHit(o, settings: settings) { k, hit in out.append(finding(definitions[k], hit, o, clauses: settings.clauses)) }
        return out
    }

    /// Each rule's verdict on one observation, with the rule's position in `all`, in rule order
    /// (before any Finding is made). The rules are called in place (no copy of each per call).
    static func forEachHit(_ o: Observation, settings: AuditSettings, _ body: (Int, RuleHit) -> Void) {
        all.withUnsafeBufferPointer { rules in
            for k in rules.indices {
                guard let hit = rules[k].evaluate(o, settings) else { continue }
                body(k, hit)
            }
        }
    }

    /// Findings for many observations, each problem once per place: two APIs that say the same
    /// thing on one line (`MinVersion: tls.VersionTLS10`) make one finding.
    public static func evaluate(_ observations: [Observation], settings: AuditSettings) -> [Finding] {
        var dedup = FindingDeduplicator()
        var out: [Finding] = []
        for o in observations {
            forEachHit(o, settings: settings) { k, hit in
                guard dedup.accept(rule: k, location: o.location, subject: hit.subject ?? hit.message.en) else { return }
                out.append(finding(definitions[k], hit, o, clauses: settings.clauses))
            }
        }
        return out
    }

    /// `properties`: `properties(hit, o)` when the caller has it already.
    static func finding(_ d: RuleDefinition, _ hit: RuleHit, _ o: Observation, clauses: Clauses, properties: JSONValue? = nil) -> Finding {
        Finding(ruleId: d.id, title: d.title, message: hit.message, category: "crypto-audit",
                severity: hit.severity, confidence: o.confidence, location: o.location, evidence: o.evidence,
                references: clauses.references(layer: o.layer, highRisk: hit.highRisk), cwe: d.cwe,
                remediation: d.remediation, properties: properties ?? Self.properties(hit, o))
    }

    /// What `finding` makes of every sighting of this hit, but its place, evidence and confidence
    /// (nil only if the writer refuses it: then `finding` is emitted, and the host says why).
    static func template(_ d: RuleDefinition, _ hit: RuleHit, _ o: Observation, clauses: Clauses) -> FindingTemplate? {
        try? FindingTemplate(ruleId: d.id, title: d.title, message: hit.message, category: "crypto-audit",
                             severity: hit.severity, references: clauses.references(layer: o.layer, highRisk: hit.highRisk),
                             cwe: d.cwe, remediation: d.remediation, properties: Self.properties(hit, o))
    }

    /// A finding's properties: what was seen and how it is classed (nothing of where).
    static func properties(_ hit: RuleHit, _ o: Observation) -> JSONValue {
        var props: [String: JSONValue] = [
            "classification": .string(hit.classification.rawValue),
            "layer": .string(o.layer.rawValue),
            "source": .string(o.source),
        ]
        if let s = hit.subject { props["algorithm"] = .string(s) }
        if let u = o.securityUse { props["security_use"] = .bool(u) }
        return .object(props)
    }

    static func severity(for cls: AlgorithmClass) -> Severity { cls == .forbidden ? .high : .medium }
}
