import DSToolKit

/// A rule's verdict on one observation, with its finding written: what the de-duplication keys
/// on (rule and subject) and the finding's bytes.
struct JudgedHit {
    var rule: Int
    /// The hit's algorithm, else its message.
    var subject: String
    var finding: EncodedFinding
}

/// The observations of one input with the findings the rules make of them; the hits of
/// observation j are `hits[hitEnds[j - 1]..<hitEnds[j]]`.
struct JudgedUnit {
    var observations: [Observation]
    var hitEnds: [Int]
    var hits: [JudgedHit]
}

/// Runs the rules over observations and writes their findings. One per worker thread: it keeps
/// what it judged before, because a tree names the same few algorithms in the same calls thousands
/// of times and rules judge what was seen, never where.
final class Judge {
    let settings: AuditSettings
    /// The rules' verdicts on algorithm observations by what was seen.
    private var algorithmVerdicts: [SeenAlgorithm: [Verdict]] = [:]
    /// The same for observations that are one described setting (a static IV, a weak random
    /// source, disabled certificate checks...): the same few descriptions come back in every file.
    private var settingVerdicts: [SeenSetting: [Verdict]] = [:]
    /// The finding templates of other verdicts, by what the finding says (rule, hit, and what
    /// was seen): everything of a finding but its place, evidence and confidence.
    private var templates: [TemplateKey: FindingTemplate] = [:]

    init(settings: AuditSettings) { self.settings = settings }

    /// A rule's hit with the finding template it makes (the same for every sighting).
    private struct Verdict {
        var rule: Int
        var hit: RuleHit
        var template: FindingTemplate?
    }

    private struct SeenAlgorithm: Hashable {
        var component: AlgorithmComponent
        var role: AlgorithmRole
        var layer: SecurityLayer
        var source: String
        var securityUse: Bool?
        var confidence: Double

        /// The enums by position (their String raw values were hashed otherwise).
        func hash(into hasher: inout Hasher) {
            hasher.combine(component)
            hasher.combine(role.position)
            hasher.combine(layer.position)
            hasher.combine(source)
            hasher.combine(securityUse)
            hasher.combine(confidence)
        }
    }

    private struct SeenSetting: Hashable {
        var kind: Int
        var description: String
        var layer: SecurityLayer
        var source: String
        var securityUse: Bool?
        var confidence: Double

        func hash(into hasher: inout Hasher) {
            hasher.combine(kind)
            hasher.combine(description)
            hasher.combine(layer.position)
            hasher.combine(source)
            hasher.combine(securityUse)
            hasher.combine(confidence)
        }

        /// The observation's kind as a number and its one value, for the kinds that are nothing more.
        static func of(_ o: UnsafePointer<Observation>) -> SeenSetting? {
            let kind: Int, description: String
            switch o.pointee.kind {
            case .staticIV(let d): (kind, description) = (1, d)
            case .hardcodedKey(let d): (kind, description) = (2, d)
            case .hardcodedPassword(let d): (kind, description) = (3, d)
            case .staticSalt(let d): (kind, description) = (4, d)
            case .weakRandom(let d): (kind, description) = (5, d)
            case .certValidationDisabled(let d): (kind, description) = (6, d)
            case .hostnameVerificationDisabled(let d): (kind, description) = (7, d)
            case .plainHTTP(let d): (kind, description) = (8, d)
            case .permissiveCipherPolicy(let d): (kind, description) = (9, d)
            case .iterations(let n): (kind, description) = (10, String(n))
            default: return nil
            }
            return SeenSetting(kind: kind, description: description, layer: o.pointee.layer, source: o.pointee.source,
                               securityUse: o.pointee.securityUse, confidence: o.pointee.confidence)
        }
    }

    /// What a finding's template depends on: the rule, the hit, and the observation's layer,
    /// source and security use (its references and properties).
    private struct TemplateKey: Hashable {
        var rule: Int
        var severity: Severity
        var message: LocalizedText
        var classification: AlgorithmClass
        var highRisk: Bool
        var subject: String?
        var layer: SecurityLayer
        var source: String
        var securityUse: Bool?
    }

    func judge(_ observations: [Observation]) -> JudgedUnit {
        var unit = JudgedUnit(observations: observations, hitEnds: [], hits: [])
        unit.hitEnds.reserveCapacity(observations.count)
        // About one hit per observation in source trees: grown once rather than by doubling.
        unit.hits.reserveCapacity(observations.count)
        // Read in place through a pointer: `for o in`, and passing `observations[j]`, copied each
        // observation whole (a retain and release of every part, its bytes moved twice) for the
        // few fields a remembered verdict reads.
        observations.withUnsafeBufferPointer { observed in
            for j in observed.indices {
                judge(observed.baseAddress! + j, into: &unit.hits)
                unit.hitEnds.append(unit.hits.count)
            }
        }
        return unit
    }

    private func judge(_ o: UnsafePointer<Observation>, into hits: inout [JudgedHit]) {
        let known: [Verdict]?
        if case .algorithm(let c, let role) = o.pointee.kind {
            let seen = SeenAlgorithm(component: c, role: role, layer: o.pointee.layer, source: o.pointee.source,
                                     securityUse: o.pointee.securityUse, confidence: o.pointee.confidence)
            known = remembered(seen, in: &algorithmVerdicts, o)
        } else if let seen = SeenSetting.of(o) {
            known = remembered(seen, in: &settingVerdicts, o)
        } else {
            known = nil
        }
        if let known {
            for v in known { hits.append(write(v.rule, v.hit, o, template: v.template)) }
        } else {
            let observation = o.pointee
            AuditRules.forEachHit(observation, settings: settings) { k, hit in hits.append(write(k, hit, o, template: template(k, hit, observation))) }
        }
    }

    /// The verdicts on what `key` says was seen: from `cache`, or made now and kept (up to 4096).
    private func remembered<Key: Hashable>(_ key: Key, in cache: inout [Key: [Verdict]], _ o: UnsafePointer<Observation>) -> [Verdict] {
        if let known = cache[key] { return known }
        let made = verdicts(o.pointee)
        if cache.count < 4096 { cache[key] = made }
        return made
    }

    /// Every rule's hit on `o` with its template.
    private func verdicts(_ o: Observation) -> [Verdict] {
        var made: [Verdict] = []
        AuditRules.forEachHit(o, settings: settings) { k, hit in
            made.append(Verdict(rule: k, hit: hit, template: AuditRules.template(AuditRules.definitions[k], hit, o, clauses: settings.clauses)))
        }
        return made
    }

    private func write(_ k: Int, _ hit: RuleHit, _ o: UnsafePointer<Observation>, template: FindingTemplate?) -> JudgedHit {
        let finding = template?.encode(location: o.pointee.location, evidence: o.pointee.evidence, confidence: o.pointee.confidence)
            ?? EncodedFinding(AuditRules.finding(AuditRules.definitions[k], hit, o.pointee, clauses: settings.clauses))
        return JudgedHit(rule: k, subject: hit.subject ?? hit.message.en, finding: finding)
    }

    /// The template of a finding other than an algorithm's, made once per distinct finding text.
    private func template(_ k: Int, _ hit: RuleHit, _ o: Observation) -> FindingTemplate? {
        let key = TemplateKey(rule: k, severity: hit.severity, message: hit.message, classification: hit.classification,
                              highRisk: hit.highRisk, subject: hit.subject, layer: o.layer, source: o.source, securityUse: o.securityUse)
        if let known = templates[key] { return known }
        let t = AuditRules.template(AuditRules.definitions[k], hit, o, clauses: settings.clauses)
        if templates.count < 4096 { templates[key] = t }
        return t
    }
}
