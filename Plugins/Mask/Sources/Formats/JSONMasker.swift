import DSToolKit
import Foundation

/// Which rule applies to a JSON value, from its path. Policy names match as follows:
/// `phone` — a member named phone at any depth; `user.phone` — a member phone inside a member
/// user; `$.a.b[*].c` — exactly that path (`*`, `[*]` and `..name` as wildcards). A rule on an
/// object or array applies to every value inside it (suppress removes it whole).
final class JSONRuleMatcher {
    enum Pattern {
        case suffix([[UInt8]])
        case path([JSONPathStep], [[UInt8]?])
    }
    let patterns: [(rule: Int, pattern: Pattern)]
    @exclusivity(unchecked) private var steps: [(key: Int, keyEnd: Int, escaped: Bool, index: Int32, isKey: Bool)] = []
    private let keyScratch = ScratchBytes()

    init(rules: [MaskRule]) {
        var p: [(Int, Pattern)] = []
        for (i, r) in rules.enumerated() {
            let name = r.name
            if let path = name.jsonPath {
                p.append((i, .path(path, path.map { step -> [UInt8]? in
                    switch step { case .key(let k), .descendant(let k): return Array(k.utf8); default: return nil }
                })))
            } else if name.index == nil {
                p.append((i, .suffix(name.text.split(separator: ".").map { Array($0.utf8) })))
            }
        }
        patterns = p
    }

    var isEmpty: Bool { patterns.isEmpty }

    /// The rule for token `t` (its own, else its container's), or -1.
    func rule(_ tape: JSONTape, _ t: Int, _ buffer: UnsafeBufferPointer<UInt8>) -> Int32 {
        let tok = tape.tokens[t]
        if tok.parent >= 0 {
            let inherited = tape.tokens[Int(tok.parent)].rule
            if inherited >= 0 { return inherited }
        }
        // The path from the top, as steps.
        steps.removeAll(keepingCapacity: true)
        var k = t
        while k >= 0 {
            let x = tape.tokens[k]
            if x.parent < 0 { break }
            steps.append((x.keyStart, x.keyEnd, x.keyEscaped, x.index, x.keyStart >= 0))
            k = Int(x.parent)
        }
        steps.reverse()
        for (rule, pattern) in patterns where matches(pattern, buffer) { return Int32(rule) }
        return -1
    }

    private func keyEquals(_ s: Int, _ buffer: UnsafeBufferPointer<UInt8>, _ name: [UInt8]) -> Bool {
        let step = steps[s]
        guard step.isKey else { return false }
        if step.escaped {
            JSONText.unescape(UnsafeBufferPointer(rebasing: buffer[step.key..<step.keyEnd]), into: keyScratch)
            return keyScratch.buffer.elementsEqual(name)
        }
        guard step.keyEnd - step.key == name.count else { return false }
        for q in 0..<name.count where buffer[step.key + q] != name[q] { return false }
        return true
    }

    private func matches(_ pattern: Pattern, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        switch pattern {
        case .suffix(let names):
            guard steps.count >= names.count else { return false }
            let base = steps.count - names.count
            for (q, name) in names.enumerated() where !keyEquals(base + q, buffer, name) { return false }
            return true
        case .path(let path, let names):
            return match(path, names, 0, 0, buffer)
        }
    }

    private func match(_ path: [JSONPathStep], _ names: [[UInt8]?], _ p: Int, _ s: Int, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        if p == path.count { return s == steps.count }
        switch path[p] {
        case .descendant:
            var t = s
            while t < steps.count {
                if keyEquals(t, buffer, names[p]!) && match(path, names, p + 1, t + 1, buffer) { return true }
                t += 1
            }
            return false
        default:
            guard s < steps.count else { return false }
            let ok: Bool
            switch path[p] {
            case .key: ok = keyEquals(s, buffer, names[p]!)
            case .anyKey: ok = steps[s].isKey
            case .index(let n): ok = !steps[s].isKey && Int(steps[s].index) == n
            case .anyIndex: ok = !steps[s].isKey
            case .descendant: ok = false
            }
            return ok && match(path, names, p + 1, s + 1, buffer)
        }
    }
}

/// Masks JSON documents and JSON Lines: values are found by path and replaced in place; every
/// other byte (formatting, key order, numbers as written) is copied unchanged.
final class JSONMasker {
    let engine: MaskEngine
    let matcher: JSONRuleMatcher
    private let tape = JSONTape()
    private let valueScratch = ScratchBytes(), subjectScratch = ScratchBytes(), keyScratch = ScratchBytes()
    @exclusivity(unchecked) private var out: [UInt8] = []
    @exclusivity(unchecked) var records = 0
    @exclusivity(unchecked) var malformed = 0
    @exclusivity(unchecked) var firstMalformed: String?
    static let nullBytes: [UInt8] = Array("null".utf8)
    /// FF1 values wait here in chunks for the batch cipher (set per run, with a sink).
    @exclusivity(unchecked) private var deferred: DeferredCells?
    /// Per rule: whether its values may be deferred.
    private let defers: [Bool]

    /// The value being parsed (the rule callback reads member names from it).
    @exclusivity(unchecked) private var current = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

    init(engine: MaskEngine) {
        self.engine = engine
        matcher = JSONRuleMatcher(rules: engine.rules)
        defers = engine.rules.map { engine.defers($0) }
        if !matcher.isEmpty {
            tape.ruleFor = { [unowned self] t, i in self.matcher.rule(t, i, self.current) }
        }
    }

    /// Masks one JSON value (a document, or one line of JSON Lines) from `b` into `sink`.
    /// `place` names it in messages ("line 12").
    func maskValue(_ b: UnsafeBufferPointer<UInt8>, place: String, to sink: ByteSink?) throws {
        records += 1
        current = b
        do {
            try tape.parse(b)
        } catch let e as JSONTape.ParseError {
            malformed += 1
            let why = "\(place): not valid JSON (\(e.message) at byte \(e.offset))"
            if firstMalformed == nil { firstMalformed = why }
            switch engine.onInvalid {
            case .fail: throw InputFailure(reason: why + " (--on-invalid fail)", line: nil)
            case .leave: sink?.append(b)
            case .redact: sink?.append(JSONMasker.nullBytes)
            }
            return
        }
        var copied = 0
        var skipUntil = -1
        let tokens = tape.tokens
        for t in 0..<tokens.count {
            let tok = tokens[t]
            if tok.start < skipUntil || tok.rule < 0 { continue }
            let rule = engine.rules[Int(tok.rule)]
            rule.matchedSomewhere = true
            let isContainer = tok.kind == .object || tok.kind == .array
            if isContainer || tok.kind == .literal {
                // Only removal acts on a whole container or on true/false/null.
                guard rule.strategy is SuppressStrategy, engine.direction == .mask else { continue }
                sink?.append(UnsafeBufferPointer(rebasing: b[copied..<tok.start]))
                sink?.append(JSONMasker.nullBytes)
                rule.nulls += 1
                copied = tok.end
                skipUntil = tok.end
                continue
            }
            let value: UnsafeBufferPointer<UInt8>
            if tok.kind == .string {
                let content = UnsafeBufferPointer(rebasing: b[(tok.start + 1)..<(tok.end - 1)])
                if tok.escaped { JSONText.unescape(content, into: valueScratch); value = valueScratch.buffer } else { value = content }
            } else {
                value = UnsafeBufferPointer(rebasing: b[tok.start..<tok.end])
            }
            if value.isEmpty { continue }
            if let deferred, let sink, defers[Int(tok.rule)] {
                sink.append(UnsafeBufferPointer(rebasing: b[copied..<tok.start]))
                deferred.add(rule: Int(tok.rule), value: value, raw: UnsafeBufferPointer(rebasing: b[tok.start..<tok.end]),
                             style: tok.kind == .number ? 1 : 0, sink: sink)
                copied = tok.end
                continue
            }
            var context = ValueContext.none
            if let subject = rule.subject { context.subject = sibling(of: t, named: subject.column, in: b) }
            out.removeAll(keepingCapacity: true)
            let result = try engine.apply(rule, value, context, into: &out, where: "\(place), \(rule.spec.field)")
            switch result {
            case .unchanged: continue
            case .removed:
                sink?.append(UnsafeBufferPointer(rebasing: b[copied..<tok.start]))
                sink?.append(JSONMasker.nullBytes)
            case .replaced:
                sink?.append(UnsafeBufferPointer(rebasing: b[copied..<tok.start]))
                if let sink {
                    out.withUnsafeBufferPointer { o in
                        if tok.kind == .number && JSONText.isNumber(o) { sink.append(o) } else { JSONText.writeString(o, to: sink) }
                    }
                }
            }
            copied = tok.end
        }
        sink?.append(UnsafeBufferPointer(rebasing: b[copied..<b.count]))
    }

    /// The value of the member `name` of the object holding token `t` (date-shift subjects).
    private func sibling(of t: Int, named name: String, in b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        let parent = tape.tokens[t].parent
        guard parent >= 0 else { return nil }
        let want = Array(name.utf8)
        var k = Int(parent) + 1
        let tokens = tape.tokens
        while k < tokens.count && tokens[k].start < tokens[Int(parent)].end {
            let x = tokens[k]
            if x.parent == parent && x.keyStart >= 0 {
                let key = UnsafeBufferPointer(rebasing: b[x.keyStart..<x.keyEnd])
                var equal: Bool
                if x.keyEscaped { JSONText.unescape(key, into: keyScratch); equal = keyScratch.buffer.elementsEqual(want) }
                else { equal = key.elementsEqual(want) }
                if equal {
                    if x.kind == .string {
                        let content = UnsafeBufferPointer(rebasing: b[(x.start + 1)..<(x.end - 1)])
                        guard x.escaped else { return content }
                        JSONText.unescape(content, into: subjectScratch)
                        return subjectScratch.buffer
                    }
                    return x.kind == .number ? UnsafeBufferPointer(rebasing: b[x.start..<x.end]) : nil
                }
            }
            k += 1
        }
        return nil
    }

    static func render(_ result: MaskEngine.CellResult, _ o: UnsafeBufferPointer<UInt8>, _ raw: UnsafeBufferPointer<UInt8>,
                       _ number: UInt8, _ sink: ByteSink) {
        switch result {
        case .unchanged: sink.append(raw)
        case .removed: sink.append(JSONMasker.nullBytes)
        case .replaced: if number != 0 && JSONText.isNumber(o) { sink.append(o) } else { JSONText.writeString(o, to: sink) }
        }
    }

    private func startDeferring(_ sink: ByteSink?) {
        deferred = sink != nil && engine.batchesCells && defers.contains(true) ? DeferredCells(engine: engine) : nil
    }

    private func finishDeferred(_ sink: ByteSink?) throws {
        if let deferred, let sink { try deferred.resolve(into: sink, render: JSONMasker.render) }
        deferred = nil
    }

    /// JSON Lines: one value per line; blank lines are copied.
    func runLines(_ source: ByteSource, to sink: ByteSink?) throws {
        startDeferring(sink)
        defer { deferred = nil }
        let lines = LineReader(source: source)
        while let line = try lines.next() {
            var content = line.content
            // A CR before the LF belongs to the terminator.
            var endsCR = false
            if content.count > 0 && content[content.count - 1] == 13 { content = UnsafeBufferPointer(rebasing: content[0..<(content.count - 1)]); endsCR = true }
            if content.allSatisfy({ $0 == 32 || $0 == 9 }) {
                sink?.append(line.content)
            } else {
                try maskValue(content, place: "line \(lines.lineNumber)", to: sink)
                if endsCR { sink?.append(13) }
            }
            if line.hasNewline { sink?.append(10) }
            if let sink {
                if let deferred, !deferred.mayFlush(sink) { try deferred.resolve(into: sink, render: JSONMasker.render) }
                try sink.maybeFlush()
            }
        }
        try finishDeferred(sink)
        try sink?.flush()
    }

    /// A whole JSON document (read into memory, at most `limit` bytes).
    static func readDocument(_ source: ByteSource, limit: Int = 1 << 30) throws -> [UInt8] {
        var all: [UInt8] = []
        try pump(source) { block in
            all.append(contentsOf: block)
            if all.count > limit { throw InputFailure(reason: "a JSON document larger than \(limit >> 20) MiB (use JSON Lines)", line: nil) }
        }
        return all
    }

    func runDocument(_ document: [UInt8], to sink: ByteSink?) throws {
        startDeferring(sink)
        defer { deferred = nil }
        try document.withUnsafeBufferPointer { try maskValue($0, place: "document", to: sink) }
        try finishDeferred(sink)
        try sink?.flush()
    }
}

/// Lines of a byte stream, read into one reused buffer (grown only for a longer line).
final class LineReader {
    private let source: ByteSource
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var filled = 0, position = 0
    @exclusivity(unchecked) private var atEnd = false
    @exclusivity(unchecked) private(set) var lineNumber = 0

    init(source: ByteSource, bufferSize: Int = 1 << 20) {
        self.source = source
        capacity = max(bufferSize, 16)
        storage = .allocate(capacity: capacity)
    }
    deinit { storage.deallocate() }

    struct Line { var content: UnsafeBufferPointer<UInt8>; var hasNewline: Bool }

    /// The next line (without its LF), valid until the next call; nil at the end.
    func next() throws -> Line? {
        var scanFrom = position
        while true {
            if scanFrom < filled, let p = memchr(storage + scanFrom, 10, filled - scanFrom) {
                let nl = storage.distance(to: p.assumingMemoryBound(to: UInt8.self))
                let start = position
                position = nl + 1
                lineNumber += 1
                return Line(content: UnsafeBufferPointer(start: storage + start, count: nl - start), hasNewline: true)
            }
            scanFrom = filled
            if atEnd {
                guard position < filled else { return nil }
                let start = position
                position = filled
                lineNumber += 1
                return Line(content: UnsafeBufferPointer(start: storage + start, count: filled - start), hasNewline: false)
            }
            scanFrom -= position
            if try !BufferRefill.refill(&storage, capacity: &capacity, filled: &filled, position: &position, from: source) { atEnd = true }
        }
    }
}
