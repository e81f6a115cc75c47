/// Locators for secrets whose bounds a small pattern cannot give (see SecretRule.locate).
extension SecretLocator {
    @inline(__always) static func isWord(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
    }
    @inline(__always) static func isBase64URL(_ c: UInt8) -> Bool { isWord(c) || c == 45 }
    /// Bytes that end a URL's user or password: @ / whitespace quotes < >.
    @inline(__always) static func endsUserInfo(_ c: UInt8) -> Bool {
        c == 64 || c == 47 || c == 32 || c == 9 || c == 10 || c == 13 || c == 34 || c == 39 || c == 96 || c == 60 || c == 62
    }

    /// `scheme://user:password@host`: the pattern ends after `://`; user, password and host are
    /// read forwards. The secret is the password. `schemes` are lower-case; one ending in ":" is
    /// a prefix (jdbc: accepts jdbc:mysql).
    public static func urlCredentials(schemes: Set<String>, minPasswordLength: Int = 1) -> SecretLocator {
        SecretLocator { b, to in
            guard to >= 3, b[to - 1] == 47, b[to - 2] == 47, b[to - 3] == 58 else { return nil }
            var s = to - 3
            while s > 0 {
                let c = b[s - 1]
                guard (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 43 || c == 45 || c == 46 || c == 58 else { break }
                s -= 1
            }
            let scheme = String(decoding: UnsafeBufferPointer(rebasing: b[s..<(to - 3)]), as: UTF8.self).lowercased()
            guard schemes.contains(scheme) || schemes.contains(where: { $0.hasSuffix(":") && scheme.hasPrefix($0) }) else { return nil }
            var i = to
            while i < b.count && i - to < 128 && !endsUserInfo(b[i]) && b[i] != 58 { i += 1 }
            guard i < b.count, b[i] == 58 else { return nil }
            let p = i + 1
            i = p
            while i < b.count && i - p < 256 && !endsUserInfo(b[i]) { i += 1 }
            guard i < b.count, b[i] == 64, i - p >= minPasswordLength else { return nil }
            let at = i
            var h = at + 1
            while h < b.count, isWord(b[h]) || b[h] == 46 || b[h] == 45 || b[h] == 58 { h += 1 }
            guard h > at + 1 else { return nil }
            return LocatedSecret(start: s, end: h, valueStart: p, valueEnd: at)
        }
    }

    /// A JSON Web Token: the pattern ends 10 characters into the payload (`.eyJ...`); the header
    /// before and the rest of the payload and the signature after are taken from the text.
    public static let jwt = SecretLocator { b, to in
        let dot = to - 14
        guard dot > 0, b[dot] == 46 else { return nil }
        var h = dot
        while h > 0 && isBase64URL(b[h - 1]) { h -= 1 }
        guard dot - h >= 10, b[h] == 101, b[h + 1] == 121, b[h + 2] == 74 else { return nil }   // eyJ
        var e = to
        while e < b.count && isBase64URL(b[e]) { e += 1 }
        guard e < b.count, b[e] == 46 else { return nil }
        var sig = e + 1
        while sig < b.count && isBase64URL(b[sig]) { sig += 1 }
        guard sig - (e + 1) >= 10 else { return nil }
        return LocatedSecret(start: h, end: sig, valueStart: h, valueEnd: sig)
    }
}
