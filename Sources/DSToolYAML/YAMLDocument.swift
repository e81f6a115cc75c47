import CDSToolYAML

/// A YAML document as a tree of nodes, read with libyaml (the parser Yams is built on) so that a
/// plugin reading YAML does not link Foundation (loading it and ICU costs 10–20 ms of every run).
/// Scalars keep their text as written (no type resolution): callers read numbers and flags from it.
/// Aliases are expanded; a document whose expansion is too deep or too large, or a mapping
/// with a key given twice, is refused.
public indirect enum YAMLNode: Equatable, Sendable {
    case scalar(String)
    case sequence([YAMLNode])
    case mapping(YAMLMapping)

    public var scalar: String? { if case .scalar(let s) = self { return s }; return nil }
    public var sequence: [YAMLNode]? { if case .sequence(let s) = self { return s }; return nil }
    public var mapping: YAMLMapping? { if case .mapping(let m) = self { return m }; return nil }
}

/// A mapping's pairs in document order; looked up by a scalar key.
public struct YAMLMapping: Equatable, Sendable, Sequence {
    public let pairs: [(key: YAMLNode, value: YAMLNode)]

    public init(pairs: [(key: YAMLNode, value: YAMLNode)]) { self.pairs = pairs }

    public subscript(key: String) -> YAMLNode? {
        pairs.first { $0.key.scalar == key }?.value
    }

    public func makeIterator() -> IndexingIterator<[(key: YAMLNode, value: YAMLNode)]> { pairs.makeIterator() }

    public static func == (a: YAMLMapping, b: YAMLMapping) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

/// Why a text is not one YAML document, with libyaml's position (1-based) when it gives one.
public struct YAMLError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let line: Int
    public let column: Int
    public var description: String { line > 0 ? "line \(line), column \(column): \(message)" : message }
}

public enum YAML {
    /// Nesting allowed, and nodes made (aliases expanded), before a document is refused.
    public static let maximumDepth = 256
    public static let maximumNodes = 1 << 20

    /// The single document of `text` (nil when it holds none). Two or more documents, or text
    /// that does not parse, throw.
    public static func compose(_ text: String) throws -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError(message: "out of memory", line: 0, column: 0) }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { b -> YAMLNode? in
            yaml_parser_set_input_string(&parser, b.baseAddress, b.count)
            var document = yaml_document_t()
            guard yaml_parser_load(&parser, &document) == 1 else { throw error(parser) }
            defer { yaml_document_delete(&document) }
            guard let root = yaml_document_get_root_node(&document) else { return nil }
            var made = 0
            let node = try convert(root, in: &document, depth: 0, made: &made)
            // A second document: Yams refused it too ("expected a single document").
            var next = yaml_document_t()
            guard yaml_parser_load(&parser, &next) == 1 else { throw error(parser) }
            defer { yaml_document_delete(&next) }
            if yaml_document_get_root_node(&next) != nil {
                throw YAMLError(message: "expected a single document, found another", line: Int(next.start_mark.line) + 1,
                                column: Int(next.start_mark.column) + 1)
            }
            return node
        }
    }

    private static func error(_ parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "not valid YAML"
        let context = parser.context.map { String(cString: $0) + ": " } ?? ""
        let mark = parser.problem_mark
        return YAMLError(message: context + problem, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func convert(_ node: UnsafeMutablePointer<yaml_node_t>, in document: inout yaml_document_t, depth: Int,
                                made: inout Int) throws -> YAMLNode {
        made += 1
        let mark = node.pointee.start_mark
        guard depth < maximumDepth else {
            throw YAMLError(message: "nested more than \(maximumDepth) deep (or an alias inside itself)", line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }
        guard made <= maximumNodes else {
            throw YAMLError(message: "more than \(maximumNodes) nodes once aliases are expanded", line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }
        func child(_ index: Int32) throws -> YAMLNode {
            guard let n = yaml_document_get_node(&document, index) else { throw YAMLError(message: "damaged document", line: 0, column: 0) }
            return try convert(n, in: &document, depth: depth + 1, made: &made)
        }
        switch node.pointee.type {
        case YAML_SCALAR_NODE:
            let s = node.pointee.data.scalar
            return .scalar(String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self))
        case YAML_SEQUENCE_NODE:
            var items: [YAMLNode] = []
            var item = node.pointee.data.sequence.items.start
            while let i = item, i < node.pointee.data.sequence.items.top {
                items.append(try child(i.pointee))
                item = i + 1
            }
            return .sequence(items)
        case YAML_MAPPING_NODE:
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var keys = Set<String>()
            var pair = node.pointee.data.mapping.pairs.start
            while let p = pair, p < node.pointee.data.mapping.pairs.top {
                let key = try child(p.pointee.key)
                // A key given twice is refused, as Yams refuses it: which one holds is not obvious.
                if let k = key.scalar, !keys.insert(k).inserted {
                    throw YAMLError(message: "the key '\(k)' is given twice", line: Int(mark.line) + 1, column: Int(mark.column) + 1)
                }
                pairs.append((key, try child(p.pointee.value)))
                pair = p + 1
            }
            return .mapping(YAMLMapping(pairs: pairs))
        default:
            throw YAMLError(message: "damaged document", line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }
    }
}
