import DSToolKit
import FoundationEssentials

/// Which part of a rule's match is the secret (what is redacted, fingerprinted, entropy-checked).
public enum SecretPart: Sendable, Hashable {
    /// The whole match (self-identifying tokens: AKIA..., ghp_..., xoxb-...).
    case whole
    /// What follows the first `=`, `:`, `=>` or `:=` in the match, without quotes or spaces
    /// (assignments in configuration files and source code).
    case afterAssignment
    /// What follows the first occurrence of a literal (a webhook's `access_token=`, a URL path);
    /// alternatives separated by `|` (`password=|pwd=`), ASCII caseless.
    case after(String)
    /// The last token of the match (after the last space, quote, colon or comma): `requirepass X`.
    case lastToken
    /// The password of a URL's user information: `scheme://user:PASSWORD@host`.
    case urlPassword
}

/// Where a match and its secret are, as found by a locator.
public struct LocatedSecret: Sendable {
    public var start: Int
    public var end: Int
    public var valueStart: Int
    public var valueEnd: Int
    public init(start: Int, end: Int, valueStart: Int, valueEnd: Int) {
        self.start = start; self.end = end; self.valueStart = valueStart; self.valueEnd = valueEnd
    }
}

/// Finds a secret around the end of a pattern match (see SecretRule.locate).
public struct SecretLocator: Sendable {
    public let find: @Sendable (UnsafeBufferPointer<UInt8>, Int) -> LocatedSecret?
    public init(_ find: @escaping @Sendable (UnsafeBufferPointer<UInt8>, Int) -> LocatedSecret?) { self.find = find }
}

/// One secret-detection rule. A rule is one file under Rules/<category>/ and one line in
/// RuleRegistry.swift; its examples are its tests.
public struct SecretRule: Sendable {
    /// Stable id, e.g. `aws-access-key-id`; findings carry `secret.<id>`.
    public var id: String
    public var title: LocalizedText
    /// private-key, cloud, vcs, chat, payment, saas, database, generic...
    public var category: String
    public var severity: Severity
    /// Lower-case words; one must occur in the match or the 64 bytes before it (ASCII caseless).
    public var keywords: [String]
    /// Hyperscan syntax; inline flags such as (?i) allowed. Must have a bounded width (≤ 4 KiB).
    public var pattern: String
    public var secret: SecretPart
    /// Shannon entropy bounds of the secret, in bits per byte.
    public var minEntropy: Double?
    public var maxEntropy: Double?
    /// Lines that must yield exactly one finding of this rule (the secret is generated, never real).
    /// Built when asked for (by the tests), not when the registry is: generating them for ~200
    /// rules was ~2 ms of every scan's start-up.
    public var examples: [String] { makeExamples() }
    /// Lines that must yield none.
    public var counterExamples: [String] { makeCounterExamples() }
    private let makeExamples: @Sendable () -> [String]
    private let makeCounterExamples: @Sendable () -> [String]
    public var references: [String]
    public var remediation: LocalizedText?
    /// Bytes (a ByteClass spec such as "A-Za-z0-9+/=", or "^..." for its complement) that continue
    /// the match past the pattern's end: patterns match a short fixed prefix of a long value and
    /// the scanner extends it, which keeps Hyperscan patterns small (no large bounded repeats).
    public var extend: String?
    /// How far before the match a keyword may be (bytes).
    public var keywordWindow: Int
    /// Finds the match and the secret from the pattern's end, for shapes a pattern cannot delimit
    /// cheaply (credentials inside URLs, JWTs); the pattern is then only a prefilter.
    public var locate: SecretLocator?

    public init(id: String, title: LocalizedText, category: String, severity: Severity, keywords: [String], pattern: String,
                secret: SecretPart = .whole, minEntropy: Double? = nil, maxEntropy: Double? = nil, extend: String? = nil,
                keywordWindow: Int = 256, locate: SecretLocator? = nil,
                examples: @escaping @autoclosure @Sendable () -> [String], counterExamples: @escaping @autoclosure @Sendable () -> [String] = [],
                references: [String] = [], remediation: LocalizedText? = nil) {
        self.id = id; self.title = title; self.category = category; self.severity = severity; self.keywords = keywords
        self.pattern = pattern; self.secret = secret; self.minEntropy = minEntropy; self.maxEntropy = maxEntropy
        self.makeExamples = examples; self.makeCounterExamples = counterExamples; self.references = references
        self.remediation = remediation; self.extend = extend; self.keywordWindow = keywordWindow; self.locate = locate
    }

    /// The rule id findings carry.
    public var ruleId: String { "secret." + id }

    /// Whether it is a catch-all (generic assignments): a specific rule on the same value wins.
    public var isGeneric: Bool { category == "generic" }

    static let defaultReferences = ["数据安全法 第二十七条", "GB/T 22239-2019 8.1.4.2", "CWE-798"]
    static let defaultRemediation = LocalizedText(
        en: "Revoke and rotate the credential, remove it from the file and its history, and load it from a secret store or environment at run time.",
        zh: "吊销并轮换该凭据，从文件及其历史中删除，运行时从密钥管理系统或环境变量读取。")
}

/// Synthetic secrets for rule examples: deterministic, random-looking, never real. Built at run
/// time so that no token-shaped literal sits in the source (push protection, scanners).
public enum Fake {
    public static let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    public static let lower = "abcdefghijklmnopqrstuvwxyz"
    public static let digitChars = "0123456789"
    public static let hexLower = "0123456789abcdef"
    public static let alnum = upper + lower + digitChars
    public static let base64 = alnum + "+/"
    public static let base64url = alnum + "-_"

    /// `n` characters from `alphabet`, the same for the same `seed`.
    public static func chars(_ alphabet: String, _ n: Int, _ seed: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in seed.utf8 { h = (h ^ UInt64(b)) &* 0x0100_0000_01b3 }
        var rng = SeededRandom(seed: h)
        let a = Array(alphabet)
        return String((0..<n).map { _ in a[Int(rng.next() % UInt64(a.count))] })
    }
    public static func alnum(_ n: Int, _ seed: String) -> String { chars(alnum, n, seed) }
    public static func upperDigits(_ n: Int, _ seed: String) -> String { chars(upper + digitChars, n, seed) }
    public static func lowerDigits(_ n: Int, _ seed: String) -> String { chars(lower + digitChars, n, seed) }
    public static func hex(_ n: Int, _ seed: String) -> String { chars(hexLower, n, seed) }
    public static func uuid(_ seed: String) -> String {
        let h = hex(32, seed)
        let a = Array(h)
        return String(a[0..<8]) + "-" + String(a[8..<12]) + "-" + String(a[12..<16]) + "-" + String(a[16..<20]) + "-" + String(a[20..<32])
    }
    public static func digits(_ n: Int, _ seed: String) -> String { chars(digitChars, n, seed) }
    public static func b64(_ n: Int, _ seed: String) -> String { chars(base64, n, seed) }
    public static func b64url(_ n: Int, _ seed: String) -> String { chars(base64url, n, seed) }

    /// A syntactically valid JWT (header, payload, signature) built from random bytes.
    public static func jwt(_ seed: String) -> String {
        let header = Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8).base64URL
        let payload = Data(#"{"sub":"\#(digits(10, seed))","name":"synthetic","iat":1700000000}"#.utf8).base64URL
        return header + "." + payload + "." + b64url(43, seed + "sig")
    }

    /// A PEM block with `lines` lines of random base64 body.
    public static func pem(_ label: String, lines: Int = 8, _ seed: String) -> String {
        var s = "-----BEGIN \(label)-----\n"
        for i in 0..<lines { s += b64(64, seed + String(i)) + "\n" }
        return s + b64(24, seed + "end") + "==\n-----END \(label)-----"
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacing("+", with: "-").replacing("/", with: "_")
            .replacing("=", with: "")
    }
}
