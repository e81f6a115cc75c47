import DSToolKit
import Foundation
import Yams

/// Reads Sigma rule files through Yams' node API (`compose_all`), never its typed decoding: YAML
/// 1.1 typing would turn `on` into true, `010` into 8 and `1.10` into 1.1, and a detection value
/// must keep the text the author wrote. A file may hold several documents (rules, correlation
/// rules, and `action: global` defaults merged into the documents after them). A document that
/// fails is reported with its file and line and skipped; the others load.
public struct SigmaLoader {
    public struct Loaded {
        public var rules: [SigmaRule] = []
        public var correlations: [SigmaCorrelation] = []
        public var errors: [SigmaError] = []
    }

    let atoms: SigmaAtoms

    public init(atoms: SigmaAtoms) { self.atoms = atoms }

    /// Loads the text of one file.
    public func load(yaml: String, file: String, builtin: Bool = false, into out: inout Loaded) {
        let docs: YamlSequence<Node>
        do { docs = try Yams.compose_all(yaml: yaml) } catch {
            out.errors.append(SigmaError(file: file, line: SigmaLoader.line(of: error), "not YAML: \(SigmaLoader.describe(error))"))
            return
        }
        var global: Node.Mapping?
        var iterator = docs
        while let doc = iterator.next() {
            guard case .mapping(var map) = doc else {
                out.errors.append(SigmaError(file: file, line: doc.mark?.line ?? 1, "a rule must be a mapping"))
                continue
            }
            if let action = map["action"]?.scalar?.string {
                switch action {
                case "global": global = map; continue
                case "reset": global = nil; continue
                case "repeat": break
                default:
                    out.errors.append(SigmaError(file: file, line: map.mark?.line ?? 1, "unknown action '\(action)'"))
                    continue
                }
            }
            if let g = global { map = SigmaLoader.merge(g, map) }
            do {
                if map["correlation"] != nil {
                    out.correlations.append(try correlation(map, file: file, builtin: builtin))
                } else {
                    out.rules.append(try rule(map, file: file, builtin: builtin))
                }
            } catch let e as SigmaError {
                out.errors.append(e)
            } catch {
                out.errors.append(SigmaError(file: file, line: map.mark?.line ?? 1, "\(error)"))
            }
        }
        if let e = iterator.error {
            out.errors.append(SigmaError(file: file, line: SigmaLoader.line(of: e), "not YAML: \(SigmaLoader.describe(e))"))
        }
    }

    static func line(of error: Error) -> Int {
        if let y = error as? YamlError {
            switch y {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
            default: return 1
            }
        }
        return 1
    }

    static func describe(_ error: Error) -> String {
        if let y = error as? YamlError {
            switch y {
            case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
            default: break
            }
        }
        return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    }

    /// `action: global` defaults under a document (mappings merged recursively; the document wins).
    static func merge(_ base: Node.Mapping, _ over: Node.Mapping) -> Node.Mapping {
        var pairs: [(Node, Node)] = []
        for (k, v) in base where k.scalar?.string != "action" {
            if let o = over[k] {
                if case .mapping(let bm) = v, case .mapping(let om) = o { pairs.append((k, .mapping(merge(bm, om)))) }
                else { pairs.append((k, o)) }
            } else { pairs.append((k, v)) }
        }
        for (k, v) in over where base[k] == nil && k.scalar?.string != "action" { pairs.append((k, v)) }
        var m = Node.Mapping(pairs)
        m.mark = over.mark
        return m
    }

    func string(_ map: Node.Mapping, _ key: String) -> String? { map[key]?.scalar?.string }

    /// The line of a key (where a reader looks for a section).
    func keyLine(_ map: Node.Mapping, _ key: String) -> Int? {
        for (k, _) in map where k.scalar?.string == key { return k.mark?.line }
        return nil
    }

    func strings(_ node: Node?) -> [String] {
        guard let node else { return [] }
        if let s = node.scalar?.string { return [s] }
        if case .sequence(let seq) = node { return seq.compactMap { $0.scalar?.string } }
        return []
    }

    static func level(_ s: String?) -> Severity {
        switch s?.lowercased() {
        case "informational", "info": return .info
        case "low": return .low
        case "medium": return .medium
        case "high": return .high
        case "critical": return .critical
        default: return .medium
        }
    }

    static func isNull(_ s: Node.Scalar) -> Bool {
        s.style == .plain && (s.string == "null" || s.string == "~" || s.string == "" || s.string == "Null" || s.string == "NULL")
    }

    // MARK: detection rules

    func rule(_ map: Node.Mapping, file: String, builtin: Bool) throws -> SigmaRule {
        let line = map.mark?.line ?? 1
        guard let title = string(map, "title") else { throw SigmaError(file: file, line: line, "no title") }
        guard case .mapping(let ls)? = map["logsource"] else { throw SigmaError(file: file, line: line, "no logsource") }
        let logsource = SigmaLogSource(category: string(ls, "category"), product: string(ls, "product"), service: string(ls, "service"))
        guard case .mapping(let det)? = map["detection"] else { throw SigmaError(file: file, line: line, "no detection") }
        let rule = SigmaRule(id: string(map, "id"), name: string(map, "name"), title: title, titleZh: string(map, "title_zh"), level: SigmaLoader.level(string(map, "level")),
                             tags: strings(map["tags"]), logsource: logsource, file: file, line: line,
                             description: string(map, "description"), falsePositives: strings(map["falsepositives"]),
                             references: strings(map["references"]), builtin: builtin)
        let compiler = SigmaCompiler(atoms: atoms, file: file)
        var selections: [String: CondNode] = [:]
        var names: [String] = []
        var conditionNode: Node?
        for (k, v) in det {
            guard let name = k.scalar?.string else { continue }
            if name == "condition" { conditionNode = v; continue }
            if name == "timeframe" { continue }  // v1 aggregation window: only meaningful with aggregations
            selections[name] = try selection(v, compiler: compiler, file: file)
            names.append(name)
        }
        guard let cnode = conditionNode else { throw SigmaError(file: file, line: keyLine(map, "detection") ?? line, "no condition") }
        let condLine = cnode.mark?.line ?? line
        let texts = strings(cnode)
        guard !texts.isEmpty else { throw SigmaError(file: file, line: condLine, "condition must be a string or a list of strings") }
        var trees: [CondNode] = []
        for text in texts {
            let ast: ConditionAST
            do { ast = try ConditionParser.parse(text) } catch { throw SigmaError(file: file, line: condLine, "\(error)") }
            trees.append(try resolve(ast, selections, names, file: file, line: condLine))
        }
        rule.condition = trees.count == 1 ? trees[0] : .or(trees)
        var hs: [Int] = []
        SigmaLoader.collectHS(rule.condition, &hs)
        rule.hsAtoms = Array(Set(hs)).sorted()
        return rule
    }

    static func collectHS(_ n: CondNode, _ out: inout [Int]) {
        switch n {
        case .and(let c), .or(let c): for x in c { collectHS(x, &out) }
        case .not(let c): collectHS(c, &out)
        case .hs(let i): out.append(i)
        case .computed, .constant: break
        }
    }

    func resolve(_ ast: ConditionAST, _ sel: [String: CondNode], _ names: [String], file: String, line: Int) throws -> CondNode {
        switch ast {
        case .and(let c): return .and(try c.map { try resolve($0, sel, names, file: file, line: line) })
        case .or(let c): return .or(try c.map { try resolve($0, sel, names, file: file, line: line) })
        case .not(let c): return .not(try resolve(c, sel, names, file: file, line: line))
        case .identifier(let name):
            guard let n = sel[name] else { throw SigmaError(file: file, line: line, "condition names '\(name)', which is not a selection") }
            return n
        case .oneOf(let pattern), .allOf(let pattern):
            let matched = ConditionParser.expand(pattern, names)
            guard !matched.isEmpty else { throw SigmaError(file: file, line: line, "no selection matches '\(pattern)'") }
            let nodes = matched.map { sel[$0]! }
            if case .allOf = ast { return nodes.count == 1 ? nodes[0] : .and(nodes) }
            return nodes.count == 1 ? nodes[0] : .or(nodes)
        }
    }

    /// A selection: a mapping (AND of its items), a list (OR of mappings and/or keywords), or a keyword.
    func selection(_ node: Node, compiler: SigmaCompiler, file: String) throws -> CondNode {
        let line = node.mark?.line ?? 1
        switch node {
        case .mapping(let m):
            var items: [CondNode] = []
            for (k, v) in m {
                guard let key = k.scalar?.string else { throw SigmaError(file: file, line: k.mark?.line ?? line, "field names must be text") }
                let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                let field = parts[0].isEmpty ? nil : parts[0]
                items.append(try compiler.item(field: field, modifiers: Array(parts.dropFirst()), values: try values(v, file: file),
                                               line: k.mark?.line ?? line))
            }
            if items.isEmpty { throw SigmaError(file: file, line: line, "empty selection") }
            return items.count == 1 ? items[0] : .and(items)
        case .sequence(let seq):
            if seq.isEmpty { throw SigmaError(file: file, line: line, "empty selection") }
            var keywords: [SigmaCompiler.Value] = []
            var alternatives: [CondNode] = []
            for el in seq {
                switch el {
                case .scalar(let s): keywords.append(SigmaLoader.isNull(s) ? .null : .text(s.string))
                case .mapping: alternatives.append(try selection(el, compiler: compiler, file: file))
                default: throw SigmaError(file: file, line: el.mark?.line ?? line, "a selection list holds keywords or mappings")
                }
            }
            if !keywords.isEmpty { alternatives.append(try compiler.item(field: nil, modifiers: [], values: keywords, line: line)) }
            return alternatives.count == 1 ? alternatives[0] : .or(alternatives)
        case .scalar(let s):
            return try compiler.item(field: nil, modifiers: [], values: [.text(s.string)], line: line)
        case .alias:
            throw SigmaError(file: file, line: line, "YAML aliases are not supported in detections")
        }
    }

    func values(_ node: Node, file: String) throws -> [SigmaCompiler.Value] {
        switch node {
        case .scalar(let s): return [SigmaLoader.isNull(s) ? .null : .text(s.string)]
        case .sequence(let seq):
            return try seq.map { el in
                guard case .scalar(let s) = el else { throw SigmaError(file: file, line: el.mark?.line ?? 1, "a value list holds scalars only") }
                return SigmaLoader.isNull(s) ? .null : .text(s.string)
            }
        default:
            throw SigmaError(file: file, line: node.mark?.line ?? 1, "a field's value must be a scalar or a list")
        }
    }

    // MARK: correlation rules

    func correlation(_ map: Node.Mapping, file: String, builtin: Bool) throws -> SigmaCorrelation {
        let line = map.mark?.line ?? 1
        guard let title = string(map, "title") else { throw SigmaError(file: file, line: line, "no title") }
        guard case .mapping(let c)? = map["correlation"] else { throw SigmaError(file: file, line: line, "correlation must be a mapping") }
        let cline = c.mark?.line ?? line
        guard let typeText = string(c, "type"), let kind = SigmaCorrelation.Kind(rawValue: typeText) else {
            throw SigmaError(file: file, line: cline, "correlation type must be event_count, value_count, temporal or temporal_ordered")
        }
        let refs = strings(c["rules"])
        guard !refs.isEmpty else { throw SigmaError(file: file, line: cline, "correlation has no rules") }
        guard let spanText = string(c, "timespan") ?? string(c, "timeframe"), let span = SigmaLoader.duration(spanText) else {
            throw SigmaError(file: file, line: cline, "correlation needs a timespan such as 5m, 1h, 30s")
        }
        var aliases: [String: [String: String]] = [:]
        if case .mapping(let am)? = c["aliases"] {
            for (k, v) in am {
                guard let alias = k.scalar?.string, case .mapping(let per) = v else { continue }
                var m: [String: String] = [:]
                for (rk, rv) in per { if let r = rk.scalar?.string, let f = rv.scalar?.string { m[r] = f } }
                aliases[alias] = m
            }
        }
        var comparison: SigmaCorrelation.Comparison?
        var threshold = 0.0
        var field: String?
        if case .mapping(let cond)? = c["condition"] {
            for (k, v) in cond {
                guard let key = k.scalar?.string.lowercased() else { continue }
                if key == "field" { field = v.scalar?.string; continue }
                if key == "range" {
                    let parts = (v.scalar?.string ?? "").split(separator: ".").filter { !$0.isEmpty }.compactMap { Double($0) }
                    guard parts.count == 2 else { throw SigmaError(file: file, line: k.mark?.line ?? cline, "range must be 'low..high'") }
                    comparison = .range(parts[0], parts[1]); continue
                }
                guard let t = v.scalar.flatMap({ Double($0.string) }) else {
                    throw SigmaError(file: file, line: k.mark?.line ?? cline, "condition '\(key)' needs a number")
                }
                threshold = t
                switch key {
                case "gt": comparison = .gt
                case "gte": comparison = .gte
                case "lt": comparison = .lt
                case "lte": comparison = .lte
                case "eq": comparison = .eq
                default: throw SigmaError(file: file, line: k.mark?.line ?? cline, "unknown condition '\(key)'")
                }
            }
        }
        if (kind == .eventCount || kind == .valueCount) && comparison == nil {
            throw SigmaError(file: file, line: cline, "\(typeText) needs a condition (gte, gt, lte, lt, eq or range)")
        }
        if kind == .valueCount && field == nil { throw SigmaError(file: file, line: cline, "value_count needs condition.field") }
        if (kind == .temporal || kind == .temporalOrdered) && refs.count < 2 {
            throw SigmaError(file: file, line: cline, "\(typeText) needs at least two rules")
        }
        let generate = (c["generate"]?.scalar?.string).map { $0.lowercased() }.map { $0 == "true" || $0 == "yes" } ?? false
        return SigmaCorrelation(id: string(map, "id"), name: string(map, "name"), title: title, titleZh: string(map, "title_zh"), kind: kind, ruleRefs: refs,
                                groupBy: strings(c["group-by"]), aliases: aliases, timespan: span, comparison: comparison,
                                threshold: threshold, valueField: field, generate: generate,
                                level: SigmaLoader.level(string(map, "level")), tags: strings(map["tags"]), file: file, line: line,
                                builtin: builtin)
    }

    /// `30s`, `5m`, `1h`, `2d` (also `1w`, `1M` as 30 days) → microseconds.
    static func duration(_ s: String) -> Int64? {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard let unit = t.last, let n = Int64(t.dropLast()), n > 0 else { return nil }
        let seconds: Int64
        switch unit {
        case "s": seconds = n
        case "m": seconds = n * 60
        case "h": seconds = n * 3600
        case "d": seconds = n * 86400
        case "w": seconds = n * 604800
        case "M": seconds = n * 2_592_000
        case "y": seconds = n * 31_536_000
        default: return nil
        }
        return seconds * 1_000_000
    }
}
