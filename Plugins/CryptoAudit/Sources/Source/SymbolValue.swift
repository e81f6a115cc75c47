/// What an argument or a constant evaluates to, as far as lexical analysis can tell.
/// Only the case that holds another value is `indirect`: an indirect enum boxes every case on the
/// heap, and values are made for every argument and assignment evaluated (a third of the run's
/// allocations were these boxes).
enum SymbolValue: Hashable, Sendable {
    case string(String)
    /// A byte array written in the code (`new byte[16]`, `b"\x00" * 16`, `{0x01, 0x02}`).
    case bytes(count: Int, allZero: Bool)
    case number(Int)
    /// An identifier not resolved yet: its last component and the whole qualified text.
    case symbol(name: String, text: String)
    /// A configuration or environment value, with the default the code gives.
    indirect case config(key: String, fallback: SymbolValue?)
    /// Strings and symbols joined with `+`.
    case concat([SymbolValue])
    /// Produced by a random source (not a constant, whatever its quality).
    case random
    case unknown

    var isLiteral: Bool {
        switch self {
        case .string, .bytes, .number: return true
        default: return false
        }
    }

    /// Text to read an algorithm, mode, protocol or curve name from: the string, or for an
    /// unresolved symbol its own last name (`PROTOCOL_TLSv1`, `MODE_ECB`, `SECP192R1` of `ec.SECP192R1()`).
    var nameText: String? {
        switch self {
        case .string(let s): return s
        case .symbol(let name, _): return name
        case .config(_, let fallback): return fallback?.nameText
        default: return nil
        }
    }
}

/// Per-file facts the scanner hands to the tree-wide pass.
struct FileFacts: Sendable {
    var uses: [PendingUse] = []
    /// Constants this file defines that other files may use by name.
    var constants: [(name: String, value: SymbolValue)] = []
}

/// One crypto-relevant call or setting found in a file, with its arguments evaluated as far as the
/// file allows. The tree-wide pass resolves the rest (constants of other files, configuration).
struct PendingUse: Sendable {
    enum Kind: Sendable {
        case algorithm(AlgorithmRole, SymbolValue, defaultECB: Bool)
        case algorithmFixed(AlgorithmRole, String)
        case keySize(family: SymbolValue, bits: SymbolValue)
        case curve(SymbolValue)
        case protocolVersion(SymbolValue)
        case protocols([SymbolValue])
        case suites([SymbolValue])
        case cipherString(SymbolValue)
        case mode(SymbolValue)
        case key(SymbolValue)
        case iv(SymbolValue)
        case salt(SymbolValue)
        case password(SymbolValue)
        case iterations(SymbolValue)
        case weakRandom(String)
        case trustAll(String)
        case hostnameAll(String)
        case plainHTTP(String)
    }
    var kind: Kind
    /// A mode given in the same call or statement (`AES.new(k, AES.MODE_ECB)`).
    var mode: SymbolValue?
    var api: String
    var line: Int
    var column: Int
    var offset: Int64?
    var evidence: String
    var securityUse: Bool?
    var token: Int
}
