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

    public static func detect(name: String) -> SourceLanguage? {
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
