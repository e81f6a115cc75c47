import Foundation

/// How a stored password looks. Only the adaptive, salted schemes resist offline guessing
/// (GB/T 22239-2019 8.1.4.8, GB/T 39786-2021: salted SM3 or a standard KDF).
public enum PasswordHashClass: String, CaseIterable, Codable, Sendable, Comparable {
    case plaintext
    case md5 = "unsalted-md5"
    case sha1 = "unsalted-sha1"
    case sha256OrSM3 = "unsalted-sha256-or-sm3"
    case sha512 = "unsalted-sha512"
    case ldapUnsalted = "ldap-unsalted"
    case md5Crypt = "md5-crypt"
    case saltedSHA1 = "salted-sha1"
    case shaCrypt = "sha-crypt"
    case bcrypt, scrypt, pbkdf2, argon2
    case sm3Salted = "salted-sm3"
    /// Looks encrypted or encoded (long base64): cannot be judged from the value.
    case opaque
    case empty

    /// The schemes accepted unless a pack says otherwise.
    public static let strongDefault: Set<PasswordHashClass> = [.bcrypt, .scrypt, .pbkdf2, .argon2, .sm3Salted]

    public static func < (a: PasswordHashClass, b: PasswordHashClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Classifies one stored value. Byte-level checks, no regular expressions (it runs per row).
    public static func classify(_ raw: String) -> PasswordHashClass {
        let v = raw.trimmingCharacters(in: .whitespaces)
        if v.isEmpty || v == "NULL" || v == "\\N" { return .empty }
        let b = Array(v.utf8)
        func hasPrefix(_ p: String) -> Bool { v.lowercased().hasPrefix(p) }
        if hasPrefix("$2a$") || hasPrefix("$2b$") || hasPrefix("$2y$") || hasPrefix("$2x$") || hasPrefix("$2$") {
            return b.count >= 59 ? .bcrypt : .plaintext
        }
        if hasPrefix("$argon2") { return .argon2 }
        if hasPrefix("$scrypt$") || hasPrefix("$7$") || hasPrefix("scrypt:") { return .scrypt }
        if hasPrefix("pbkdf2") || hasPrefix("$pbkdf2") || hasPrefix("{pbkdf2") { return .pbkdf2 }
        if hasPrefix("$sm3$") || hasPrefix("sm3$") || hasPrefix("{ssm3}") || hasPrefix("sm3:") {
            // `$sm3$SALT$HEX`: salted only when a salt is present.
            let parts = v.split(separator: "$", omittingEmptySubsequences: true)
            if hasPrefix("{ssm3}") || parts.count >= 3 || v.split(separator: ":").count >= 3 { return .sm3Salted }
            return .sha256OrSM3
        }
        if hasPrefix("$1$") || hasPrefix("$apr1$") { return .md5Crypt }
        if hasPrefix("$5$") || hasPrefix("$6$") { return .shaCrypt }
        if hasPrefix("{ssha") || hasPrefix("{smd5}") { return .saltedSHA1 }
        if hasPrefix("{sha}") || hasPrefix("{md5}") || hasPrefix("{sha256}") || hasPrefix("{sha512}") { return .ldapUnsalted }
        if b.allSatisfy(isHex) {
            switch b.count {
            case 32: return .md5
            case 40: return .sha1
            case 64: return .sha256OrSM3
            case 128: return .sha512
            default: break
            }
        }
        if b.count >= 24 && b.allSatisfy(isBase64) && b.count % 4 == 0 {
            let pad = b.suffix(2).filter { $0 == UInt8(ascii: "=") }.count
            let bytes = b.count / 4 * 3 - pad
            // Unsalted digests in base64 are still unsalted digests.
            switch bytes {
            case 16: return .md5
            case 20: return .sha1
            case 32: return .sha256OrSM3
            case 64: return .sha512
            default: return .opaque
            }
        }
        return .plaintext
    }

    static func isHex(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
    }
    static func isBase64(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 43 || c == 47 || c == 61
    }
}

/// Which columns hold passwords, by name (English and Chinese; `passport` is not one).
public enum PasswordColumns {
    static let tokens: Set<String> = ["password", "passwd", "pwd", "pass", "passcode", "pswd", "passphrase", "pw", "userpassword"]

    public static func isPasswordColumn(_ name: String) -> Bool {
        if name.contains("密码") || name.contains("口令") { return true }
        let lower = name.lowercased()
        var words: [String] = []
        var cur = ""
        for ch in lower {
            if ch.isLetter || ch.isNumber { cur.append(ch) } else { if !cur.isEmpty { words.append(cur) }; cur = "" }
        }
        if !cur.isEmpty { words.append(cur) }
        for w in words {
            if tokens.contains(w) { return true }
            if w.hasPrefix("password") || w.hasPrefix("passwd") || w.hasSuffix("password") || w.hasSuffix("passwd") { return true }
        }
        // camelCase: userPassword, pwdHash
        let camel = name.replacingOccurrences(of: "([a-z])([A-Z])", with: "$1_$2", options: .regularExpression).lowercased()
        return camel != lower && isPasswordColumn(camel)
    }
}
