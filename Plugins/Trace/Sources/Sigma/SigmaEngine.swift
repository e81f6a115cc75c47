import Foundation

/// Evaluates every loaded Sigma rule against each event in one pass: all string patterns of the
/// rules that apply to an event's log source are compiled into one Hyperscan database per field
/// (built once per kind of event and cached), each field present is scanned once, and only the
/// rules whose patterns matched (plus the few whose condition can hold without any pattern, such
/// as `not` selections or numeric tests) have their condition evaluated.
public final class SigmaEngine {
    public let rules: [SigmaRule]
    public let correlations: [SigmaCorrelation]
    public let atoms: SigmaAtoms
    @exclusivity(unchecked) public private(set) var loadErrors: [SigmaError]
    /// Global atom id → rules using it.
    let atomRules: [[Int32]]
    let matches: MatchSet
    let scratch = HSScratch()
    let ruleStamp: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) var stamp: UInt32 = 0
    /// Every rule's condition as a flat program (`FlatCondition`), read by the per-event field
    /// skipping check without the reference counting that walking the `CondNode` tree costs.
    let conditions: FlatCondition
    /// Rules per atom and each rule's log-source requirement, as plain memory.
    let ruleTables: RuleTables

    /// One field to scan for a plan. Trivial (no reference counting in the per-event loop): the
    /// database and cache are owned by the plan's `owners`, the key's name by `names`.
    struct FieldScan {
        let kind: UInt8          // 0 canonical field, 1 extra field, 2 raw text
        let field: Int
        let name: UnsafeBufferPointer<UInt8>
        let db: Unmanaged<HSDatabase>
        let cache: Unmanaged<ScanCache>
    }

    /// The databases and rule lists for one kind of event (a services mask).
    final class Plan {
        @exclusivity(unchecked) var fields: [FieldScan] = []
        /// Per field (same order): the applicable rules that use an atom of it.
        var rulesUsing: [[Int32]] = []
        /// `rulesUsing` flattened: field `fi`'s rules are `using[usingStart[fi]..<usingStart[fi + 1]]`.
        private(set) var using: [Int32] = []
        private(set) var usingStart: [Int32] = [0]
        func flatten() {
            using = rulesUsing.flatMap { $0 }
            usingStart = [0]
            for r in rulesUsing { usingStart.append(usingStart[usingStart.count - 1] + Int32(r.count)) }
            flat.deallocate()
            flat = FlatPlan(fields: fields, using: using, usingStart: usingStart, atomField: atomField, always: always,
                            applicable: applicable.count)
        }
        /// Global atom id → index of its field in `fields` (-1: not in this plan).
        var atomField: [Int16] = []
        var owners: [AnyObject] = []
        var names: [UnsafeMutableBufferPointer<UInt8>] = []
        deinit {
            for n in names { n.deallocate() }
            flat.deallocate()
        }
        /// The above as plain memory for the per-event loop (set by `flatten`).
        @exclusivity(unchecked) var flat = FlatPlan()
        /// Rules that apply and can match without any Hyperscan atom.
        var always: [Int32] = []
        var applicable: Set<Int32> = []
    }
    @exclusivity(unchecked) var plans: [UInt32: Plan] = [:]
    @exclusivity(unchecked) var lastMask: UInt32 = .max
    @exclusivity(unchecked) var lastPlan: Plan?
    /// The last plan without reference counting (the `plans` dictionary keeps it alive).
    @exclusivity(unchecked) var lastPlanRef: Unmanaged<Plan>?
    /// Hyperscan rejections while building plans (reported once).
    @exclusivity(unchecked) public private(set) var planErrors: [String] = []
    public let correlationState: CorrelationState

    /// Rules that matched the last event (indexes into `rules`).
    @exclusivity(unchecked) public private(set) var matched: [Int] = []

    public init(loaded: SigmaLoader.Loaded, atoms: SigmaAtoms) {
        var errors = loaded.errors
        let rules = loaded.rules
        let correlations = loaded.correlations
        // Resolve correlation references (by name, then id) and mark rules that only feed them.
        var generateOverride: [Int: Bool] = [:]
        var keptCorrelations: [SigmaCorrelation] = []
        for c in correlations {
            var idx: [Int] = []
            var missing: String?
            for ref in c.ruleRefs {
                if let i = rules.firstIndex(where: { $0.name == ref }) ?? rules.firstIndex(where: { $0.id == ref }) { idx.append(i) }
                else { missing = ref; break }
            }
            if let missing {
                errors.append(SigmaError(file: c.file, line: c.line, "correlation refers to '\(missing)', which is not a loaded rule"))
                continue
            }
            c.rules = idx
            let ci = keptCorrelations.count
            keptCorrelations.append(c)
            for i in Set(idx) {
                rules[i].correlations.append(ci)
                generateOverride[i] = (generateOverride[i] ?? false) || c.generate
            }
        }
        for (i, g) in generateOverride { rules[i].generate = g }
        self.rules = rules
        self.correlations = keptCorrelations
        self.atoms = atoms
        self.loadErrors = errors
        var ar = [[Int32]](repeating: [], count: atoms.hs.count)
        for (ri, r) in rules.enumerated() where r.required != nil {
            for a in r.hsAtoms { ar[a].append(Int32(ri)) }
        }
        atomRules = ar
        matches = MatchSet(capacity: atoms.hs.count)
        ruleStamp = .allocate(capacity: max(rules.count, 1))
        ruleStamp.initialize(repeating: 0, count: max(rules.count, 1))
        conditions = FlatCondition(rules.map(\.condition))
        ruleTables = RuleTables(atomRules: ar, required: rules.map(\.required))
        correlationState = CorrelationState(correlations: keptCorrelations)
        correlationState.prepare(rules: rules)
    }

    /// An engine sharing `other`'s compiled rules, with its own scratch, caches and correlation
    /// hits (one per thread; the hits are merged at the end).
    public init(sharing other: SigmaEngine) {
        rules = other.rules
        correlations = other.correlations
        atoms = other.atoms
        loadErrors = other.loadErrors
        atomRules = other.atomRules
        matches = MatchSet(capacity: other.atoms.hs.count)
        ruleStamp = .allocate(capacity: max(rules.count, 1))
        ruleStamp.initialize(repeating: 0, count: max(rules.count, 1))
        conditions = other.conditions
        ruleTables = other.ruleTables
        correlationState = CorrelationState(correlations: other.correlations)
        correlationState.prepare(rules: rules)
    }

    deinit { ruleStamp.deallocate() }

    /// Loads rule files: the built-in rules (unless disabled) and every .yml/.yaml under `dirs`.
    public static func load(builtin: Bool, dirs: [String]) -> SigmaEngine {
        let atoms = SigmaAtoms()
        let loader = SigmaLoader(atoms: atoms)
        var loaded = SigmaLoader.Loaded()
        if builtin {
            for (name, text) in BuiltinRules.files { loader.load(yaml: text, file: "builtin:" + name, builtin: true, into: &loaded) }
        }
        for dir in dirs {
            for path in ruleFiles(dir, errors: &loaded.errors) {
                do {
                    let data = try Data(contentsOf: URL(fileURLWithPath: path))
                    guard let text = String(data: data, encoding: .utf8) else {
                        loaded.errors.append(SigmaError(file: path, line: 1, "not UTF-8 text")); continue
                    }
                    loader.load(yaml: text, file: path, into: &loaded)
                } catch {
                    loaded.errors.append(SigmaError(file: path, line: 1, "cannot read: \(error.localizedDescription)"))
                }
            }
        }
        return SigmaEngine(loaded: loaded, atoms: atoms)
    }

    static func ruleFiles(_ dir: String, errors: inout [SigmaError]) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else {
            errors.append(SigmaError(file: dir, line: 0, "no such file or directory")); return []
        }
        if !isDir.boolValue { return [dir] }
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            if rel.hasSuffix(".yml") || rel.hasSuffix(".yaml") { out.append((dir as NSString).appendingPathComponent(rel)) }
        }
        return out.sorted()
    }

    public var activeRuleCount: Int { rules.filter { $0.required != nil }.count }

    // MARK: per event

    func plan(_ mask: ServiceBits) -> Plan {
        if mask.rawValue == lastMask, let p = lastPlan { return p }
        if let p = plans[mask.rawValue] { lastMask = mask.rawValue; lastPlan = p; lastPlanRef = .passUnretained(p); return p }
        let p = Plan()
        var byField: [FieldKey: [HSPattern]] = [:]
        var order: [FieldKey] = []
        // (the order is settled below, cheap fields first)
        for (ri, r) in rules.enumerated() {
            guard let req = r.required, mask.isSuperset(of: req) else { continue }
            p.applicable.insert(Int32(ri))
            for a in r.hsAtoms {
                let atom = atoms.hs[a]
                if byField[atom.key] == nil { order.append(atom.key) }
                byField[atom.key, default: []].append(atom.pattern)
            }
            if SigmaEngine.canHoldWithoutPatterns(r.condition) { p.always.append(Int32(ri)) }
        }
        // Fields with few distinct values first: their answers often settle a rule before the
        // costlier fields (paths, messages) are scanned.
        func rank(_ k: FieldKey) -> Int {
            if case .field(let f) = k {
                switch f {
                case .method: return 0
                case .status: return 1
                case .action: return 2
                case .program: return 3
                case .severity, .facility, .level: return 4
                default: return 10
                }
            }
            return k == .raw ? 12 : 11
        }
        order.sort { rank($0) < rank($1) }
        p.atomField = [Int16](repeating: -1, count: atoms.hs.count)
        for key in order {
            // Several rules may share an atom: one pattern per id.
            var seen = Set<UInt32>()
            let pats = byField[key]!.filter { seen.insert($0.id).inserted }
            let (db, rejected) = HSDatabase.compileDroppingBad(pats)
            for (pat, msg) in rejected { planErrors.append("pattern \(pat.expression) on \(key): \(msg)") }
            if let db {
                scratch.prepare(for: db)
                let cache = ScanCache(slots: key == .raw ? 1 << 10 : 1 << 13, slotSize: 128)
                p.owners.append(db); p.owners.append(cache)
                var kind: UInt8 = 2, field = 0
                var name = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
                switch key {
                case .field(let f): kind = 0; field = f.rawValue
                case .extra(let n):
                    kind = 1
                    let buf = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(n.utf8.count, 1))
                    _ = buf.initialize(from: n.utf8)
                    p.names.append(buf)
                    name = UnsafeBufferPointer(start: buf.baseAddress, count: n.utf8.count)
                case .raw: kind = 2
                }
                let fi = p.fields.count
                p.fields.append(FieldScan(kind: kind, field: field, name: name, db: .passUnretained(db), cache: .passUnretained(cache)))
                var users: [Int32] = []
                for pat in pats { p.atomField[Int(pat.id)] = Int16(fi) }
                for ri in p.applicable where rules[Int(ri)].hsAtoms.contains(where: { atoms.hs[$0].key == key }) { users.append(ri) }
                p.rulesUsing.append(users.sorted())
            }
        }
        p.flatten()
        plans[mask.rawValue] = p
        lastMask = mask.rawValue; lastPlan = p; lastPlanRef = .passUnretained(p)
        return p
    }

    /// Evaluates the rules that apply to `e`; the matches are left in `matched`.
    public func evaluate(_ e: Event) {
        if !matched.isEmpty { matched.removeAll(keepingCapacity: true) }
        if rules.isEmpty { return }
        let mask = e.services
        if mask.rawValue != lastMask || lastPlan == nil { _ = plan(mask) }
        lastPlanRef!._withUnsafeGuaranteedRef { evaluate(e, $0) }
    }

    private func evaluate(_ e: Event, _ p: Plan) {
        let plan = p.flat
        if plan.applicable == 0 { return }
        matches.begin()
        var scanned: UInt64 = 0
        let conditions = self.conditions
        let atomField = UnsafeBufferPointer(start: plan.atomField, count: plan.atomCount)
        for fi in 0..<plan.fieldCount {
            defer { if fi < 64 { scanned |= 1 << UInt64(fi) } }
            // Skip a field when every rule using it is already false whatever it holds.
            if fi > 0 && fi < 64 {
                var needed = false
                for k in Int(plan.usingStart[fi])..<Int(plan.usingStart[fi + 1])
                where conditions.partial(Int(plan.using[k]), matches, atomField, scanned) != .no { needed = true; break }
                if !needed { continue }
            }
            let f = plan.fields[fi]
            let value: Bytes?
            switch f.kind {
            case 0: value = e.value(Field(rawValue: f.field)!)
            case 1: value = e.extra(f.name)
            default: value = e.raw
            }
            guard let v = value, v.count > 0, let base = v.baseAddress else { continue }
            let h = ByteOps.cacheHash(base, v.count)
            f.cache._withUnsafeGuaranteedRef { cache in
                if let slot = cache.lookup(base, v.count, hash: h) {
                    cache.replay(slot, into: matches)
                    return
                }
                let before = matches.hitCount
                f.db._withUnsafeGuaranteedRef { $0.scan(base, v.count, scratch: scratch, into: matches) }
                cache.store(base, v.count, hash: h, matches: matches, from: before)
            }
        }
        stamp &+= 1
        if stamp == 0 { ruleStamp.update(repeating: 0, count: max(rules.count, 1)); stamp = 1 }
        let tables = ruleTables
        let services = e.services.rawValue
        for h in 0..<matches.hitCount {
            let atom = Int(matches.hits[h])
            for k in Int(tables.atomRuleStart[atom])..<Int(tables.atomRuleStart[atom + 1]) {
                let ri = Int(tables.atomRuleList[k])
                if ruleStamp[ri] == stamp { continue }
                ruleStamp[ri] = stamp
                if tables.applies(ri, services) && conditions.value(ri, matches, self, e) { matched.append(ri) }
            }
        }
        for k in 0..<plan.alwaysCount {
            let ri = Int(plan.always[k])
            if ruleStamp[ri] == stamp { continue }
            ruleStamp[ri] = stamp
            if conditions.value(ri, matches, self, e) { matched.append(ri) }
        }
    }

    /// The value of code-evaluated atom `i` for `e`.
    func computed(_ i: Int, _ e: Event) -> Bool { SigmaEngine.evalComputed(atoms.computed[i], e) }

    static func evalComputed(_ a: ComputedAtom, _ e: Event) -> Bool {
        switch a {
        case .exists(let k, let want): return (e.value(k) != nil) == want
        case .emptyOrMissing(let k): return (e.value(k)?.count ?? 0) == 0
        case .cidr(let k, let net):
            guard let v = e.value(k), let ip = IPAddress.parse(v) else { return false }
            return net.contains(ip)
        case .numeric(let k, let op, let x):
            guard let v = e.value(k), let d = Double(String(decoding: v, as: UTF8.self).trimmingCharacters(in: .whitespaces)) else { return false }
            switch op { case .gt: return d > x; case .gte: return d >= x; case .lt: return d < x; case .lte: return d <= x }
        case .fieldref(let k, let other, let mode, let cased):
            guard let a = e.value(k), let b = e.value(other) else { return false }
            var s = String(decoding: a, as: UTF8.self), t = String(decoding: b, as: UTF8.self)
            if !cased { s = s.lowercased(); t = t.lowercased() }
            switch mode {
            case .equals: return s == t
            case .contains: return s.contains(t)
            case .startsWith: return s.hasPrefix(t)
            case .endsWith: return s.hasSuffix(t)
            }
        case .regex(let k, let re):
            guard let v = e.value(k) else { return false }
            let s = String(decoding: v, as: UTF8.self)
            return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
        }
    }

    /// A condition's value with the fields scanned so far: atoms of scanned fields are known,
    /// others (and code-evaluated atoms) unknown.
    func partial(_ n: CondNode, _ p: Plan, _ scanned: UInt64) -> K {
        switch n {
        case .hs(let a):
            let f = Int(p.atomField[a])
            if f < 0 { return .no }   // not in this plan: never set
            if f < 64 && scanned & (1 << UInt64(f)) != 0 { return matches.isSet(a) ? .yes : .no }
            return .unknown
        case .computed: return .unknown
        case .constant(let b): return b ? .yes : .no
        case .not(let c):
            switch partial(c, p, scanned) { case .yes: return .no; case .no: return .yes; case .unknown: return .unknown }
        case .and(let c):
            var r = K.yes
            for x in c { let k = partial(x, p, scanned); if k == .no { return .no }; if k == .unknown { r = .unknown } }
            return r
        case .or(let c):
            var r = K.no
            for x in c { let k = partial(x, p, scanned); if k == .yes { return .yes }; if k == .unknown { r = .unknown } }
            return r
        }
    }

    /// Whether a condition can be true when no Hyperscan atom matched (Kleene logic: patterns are
    /// false, code-evaluated atoms unknown).
    static func canHoldWithoutPatterns(_ n: CondNode) -> Bool { kleene(n) != .no }

    enum K { case yes, no, unknown }
    static func kleene(_ n: CondNode) -> K {
        switch n {
        case .hs: return .no
        case .computed: return .unknown
        case .constant(let b): return b ? .yes : .no
        case .not(let c):
            switch kleene(c) { case .yes: return .no; case .no: return .yes; case .unknown: return .unknown }
        case .and(let c):
            var r = K.yes
            for x in c { let k = kleene(x); if k == .no { return .no }; if k == .unknown { r = .unknown } }
            return r
        case .or(let c):
            var r = K.no
            for x in c { let k = kleene(x); if k == .yes { return .yes }; if k == .unknown { r = .unknown } }
            return r
        }
    }
}

/// Rule conditions compiled to one flat array of nodes, three Int32 each: (op, argument, size of
/// the subtree in nodes). Ops: 0 Hyperscan atom (argument: atom id), 1 computed atom, 2 constant
/// (argument 0/1), 3 not, 4 and, 5 or (argument: number of children, which follow in order).
/// `partial` is `SigmaEngine.partial` on this form: the same Kleene logic, and `value` the
/// condition's value, both without the reference counting that reading the indirect `CondNode`
/// tree costs on every event.
final class FlatCondition: @unchecked Sendable {
    let code: UnsafeMutablePointer<Int32>
    /// Where each rule's program starts (in Int32s).
    let start: UnsafeMutablePointer<Int32>

    init(_ conditions: [CondNode]) {
        var out: [Int32] = []
        var starts: [Int32] = []
        func encode(_ n: CondNode) {
            let at = out.count
            switch n {
            case .hs(let a): out += [0, Int32(a), 1]
            case .computed(let i): out += [1, Int32(i), 1]
            case .constant(let b): out += [2, b ? 1 : 0, 1]
            case .not(let c): out += [3, 0, 0]; encode(c)
            case .and(let cs): out += [4, Int32(cs.count), 0]; for c in cs { encode(c) }
            case .or(let cs): out += [5, Int32(cs.count), 0]; for c in cs { encode(c) }
            }
            out[at + 2] = Int32((out.count - at) / 3)
        }
        for c in conditions { starts.append(Int32(out.count)); encode(c) }
        code = .allocate(capacity: max(out.count, 1))
        code.initialize(from: out, count: out.count)
        start = .allocate(capacity: max(starts.count, 1))
        start.initialize(from: starts, count: starts.count)
    }
    deinit { code.deallocate(); start.deallocate() }

    /// The value of rule `rule`'s condition with the fields scanned so far (see `SigmaEngine.partial`).
    @inline(__always) func partial(_ rule: Int, _ matches: MatchSet, _ atomField: UnsafeBufferPointer<Int16>, _ scanned: UInt64) -> SigmaEngine.K {
        node(Int(start[rule]), matches, atomField, scanned)
    }

    /// The value of rule `rule`'s condition for an event (what `SigmaEngine.eval` computes on the tree).
    @inline(__always) func value(_ rule: Int, _ matches: MatchSet, _ engine: SigmaEngine, _ e: Event) -> Bool {
        value(at: Int(start[rule]), matches, engine, e)
    }

    func value(at pc: Int, _ matches: MatchSet, _ engine: SigmaEngine, _ e: Event) -> Bool {
        switch code[pc] {
        case 0: return matches.isSet(Int(code[pc + 1]))
        case 1: return engine.computed(Int(code[pc + 1]), e)
        case 2: return code[pc + 1] != 0
        case 3: return !value(at: pc + 3, matches, engine, e)
        case 4:
            var c = pc + 3
            for _ in 0..<Int(code[pc + 1]) {
                if !value(at: c, matches, engine, e) { return false }
                c += Int(code[c + 2]) * 3
            }
            return true
        default:
            var c = pc + 3
            for _ in 0..<Int(code[pc + 1]) {
                if value(at: c, matches, engine, e) { return true }
                c += Int(code[c + 2]) * 3
            }
            return false
        }
    }

    func node(_ pc: Int, _ matches: MatchSet, _ atomField: UnsafeBufferPointer<Int16>, _ scanned: UInt64) -> SigmaEngine.K {
        switch code[pc] {
        case 0:
            let a = Int(code[pc + 1])
            let f = Int(atomField[a])
            if f < 0 { return .no }   // not in this plan: never set
            if f < 64 && scanned & (1 << UInt64(f)) != 0 { return matches.isSet(a) ? .yes : .no }
            return .unknown
        case 1: return .unknown
        case 2: return code[pc + 1] != 0 ? .yes : .no
        case 3:
            switch node(pc + 3, matches, atomField, scanned) { case .yes: return .no; case .no: return .yes; case .unknown: return .unknown }
        case 4:
            var r = SigmaEngine.K.yes
            var c = pc + 3
            for _ in 0..<Int(code[pc + 1]) {
                let k = node(c, matches, atomField, scanned)
                if k == .no { return .no }
                if k == .unknown { r = .unknown }
                c += Int(code[c + 2]) * 3
            }
            return r
        default:
            var r = SigmaEngine.K.no
            var c = pc + 3
            for _ in 0..<Int(code[pc + 1]) {
                let k = node(c, matches, atomField, scanned)
                if k == .yes { return .yes }
                if k == .unknown { r = .unknown }
                c += Int(code[c + 2]) * 3
            }
            return r
        }
    }
}

/// A plan's per-event data as plain memory (no array access checks or reference counting in the
/// per-event loop). Owned by its `Plan`, which frees it.
struct FlatPlan {
    var fields: UnsafeMutablePointer<SigmaEngine.FieldScan>
    var fieldCount = 0
    var using: UnsafeMutablePointer<Int32>
    var usingStart: UnsafeMutablePointer<Int32>
    var atomField: UnsafeMutablePointer<Int16>
    var atomCount = 0
    var always: UnsafeMutablePointer<Int32>
    var alwaysCount = 0
    /// Number of rules that apply to the plan's events.
    var applicable = 0

    init() {
        fields = .allocate(capacity: 1)
        using = .allocate(capacity: 1); usingStart = .allocate(capacity: 1); usingStart.initialize(to: 0)
        atomField = .allocate(capacity: 1); always = .allocate(capacity: 1)
    }

    init(fields f: [SigmaEngine.FieldScan], using u: [Int32], usingStart us: [Int32], atomField af: [Int16], always al: [Int32], applicable: Int) {
        fields = .allocate(capacity: max(f.count, 1)); fields.initialize(from: f, count: f.count); fieldCount = f.count
        using = .allocate(capacity: max(u.count, 1)); using.initialize(from: u, count: u.count)
        usingStart = .allocate(capacity: max(us.count, 1)); usingStart.initialize(from: us, count: us.count)
        atomField = .allocate(capacity: max(af.count, 1)); atomField.initialize(from: af, count: af.count); atomCount = af.count
        always = .allocate(capacity: max(al.count, 1)); always.initialize(from: al, count: al.count); alwaysCount = al.count
        self.applicable = applicable
    }

    func deallocate() {
        fields.deallocate(); using.deallocate(); usingStart.deallocate(); atomField.deallocate(); always.deallocate()
    }
}

/// Which rules use each Hyperscan atom (flattened: atom `a`'s rules are
/// `atomRuleList[atomRuleStart[a]..<atomRuleStart[a + 1]]`) and each rule's log-source mask, in
/// plain memory shared by every thread's engine.
final class RuleTables: @unchecked Sendable {
    let atomRuleStart: UnsafeMutablePointer<Int32>
    let atomRuleList: UnsafeMutablePointer<Int32>
    /// Services a rule needs; `hasRequired` false: the rule never applies.
    let required: UnsafeMutablePointer<UInt32>
    let hasRequired: UnsafeMutablePointer<Bool>

    init(atomRules: [[Int32]], required req: [ServiceBits?]) {
        let list = atomRules.flatMap { $0 }
        atomRuleList = .allocate(capacity: max(list.count, 1))
        atomRuleList.initialize(from: list, count: list.count)
        atomRuleStart = .allocate(capacity: atomRules.count + 1)
        var at: Int32 = 0
        for (a, rs) in atomRules.enumerated() { atomRuleStart[a] = at; at += Int32(rs.count) }
        atomRuleStart[atomRules.count] = at
        required = .allocate(capacity: max(req.count, 1))
        hasRequired = .allocate(capacity: max(req.count, 1))
        for (i, r) in req.enumerated() { required[i] = r?.rawValue ?? 0; hasRequired[i] = r != nil }
    }
    deinit { atomRuleStart.deallocate(); atomRuleList.deallocate(); required.deallocate(); hasRequired.deallocate() }

    /// Whether rule `rule` applies to an event with these services.
    @inline(__always) func applies(_ rule: Int, _ services: UInt32) -> Bool {
        hasRequired[rule] && services & required[rule] == required[rule]
    }
}
