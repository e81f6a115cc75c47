/// Languages the source scanner reads, by file extension.
public enum SourceLanguage: String, Sendable, CaseIterable, Codable {
    case java, kotlin, python, go, c, cpp, javascript, typescript, csharp

    /// Which lexer and which API table the language uses.
    enum Family { case jvm, python, go, c, javascript, csharp }

    var family: Family {
        switch self {
        case .java, .kotlin: return .jvm
        case .python: return .python
        case .go: return .go
        case .c, .cpp: return .c
        case .javascript, .typescript: return .javascript
        case .csharp: return .csharp
        }
    }

    /// The languages by extension, lower-case ASCII packed into a number (first byte lowest).
    private static let byExtensionKey: [UInt64: SourceLanguage] = {
        let table: [(String, SourceLanguage)] = [
            ("java", .java), ("groovy", .java), ("scala", .java), ("kt", .kotlin), ("kts", .kotlin),
            ("py", .python), ("pyw", .python), ("pyi", .python), ("go", .go), ("c", .c), ("h", .c),
            ("cc", .cpp), ("cpp", .cpp), ("cxx", .cpp), ("c++", .cpp), ("hpp", .cpp), ("hh", .cpp), ("hxx", .cpp), ("m", .cpp), ("mm", .cpp),
            ("js", .javascript), ("mjs", .javascript), ("cjs", .javascript), ("jsx", .javascript),
            ("ts", .typescript), ("tsx", .typescript), ("mts", .typescript), ("cts", .typescript), ("cs", .csharp),
        ]
        var out: [UInt64: SourceLanguage] = [:]
        for (ext, lang) in table { out[extensionKey(Array(ext.utf8)[...])!] = lang }
        return out
    }()

    /// Up to eight ASCII bytes, lower-cased, as a number; nil for longer or other text.
    private static func extensionKey<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt64? {
        guard bytes.count <= 8 else { return nil }
        var key: UInt64 = 0, shift: UInt64 = 0
        for c in bytes {
            guard c < 0x80 else { return nil }
            key |= UInt64(c >= 0x41 && c <= 0x5A ? c | 0x20 : c) << shift
            shift += 8
        }
        return key
    }

    public static func detect(name: String) -> SourceLanguage? {
        // A name ending in an ASCII extension (nearly every name) is decided on its bytes; the
        // String path below, which the answer must equal, takes the others (a `.` followed by a
        // combining mark is no `.` Character there).
        let decided: SourceLanguage?? = name.utf8.withContiguousStorageIfAvailable { b -> SourceLanguage?? in
            var i = b.count
            while i > 0 {
                let c = b[i - 1]
                if c == 0x2E { break }
                if c >= 0x80 { return .none }  // not decided here
                if c == 0x2F { return .some(nil) }  // no extension after the last slash
                i -= 1
            }
            guard i > 0 else { return .some(nil) }  // no dot
            // A dot after a non-ASCII byte may be part of a Character with it (a prepended mark).
            if i > 1 && b[i - 2] >= 0x80 { return .none }
            let ext = b[i...]
            guard !ext.isEmpty, let key = extensionKey(ext) else { return .some(nil) }
            return .some(byExtensionKey[key])
        } ?? nil
        if let decided { return decided }
        return detectByString(name: name)
    }

    static func detectByString(name: String) -> SourceLanguage? {
        guard let dot = name.lastIndex(of: "."), !name.utf8[dot...].contains(0x2F) else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "java", "groovy", "scala": return .java
        case "kt", "kts": return .kotlin
        case "py", "pyw", "pyi": return .python
        case "go": return .go
        case "c", "h": return .c
        case "cc", "cpp", "cxx", "c++", "hpp", "hh", "hxx", "m", "mm": return .cpp
        case "js", "mjs", "cjs", "jsx": return .javascript
        case "ts", "tsx", "mts", "cts": return .typescript
        case "cs": return .csharp
        default: return nil
        }
    }
}
