import DSToolKit

/// MD2, MD4, MD5 and SHA-1 where they protect something: signatures, passwords, tokens, integrity.
/// MD5 and SHA-1 are named by the high-risk judgement guide. A checksum or cache key that the code
/// marks as such (`usedforsecurity=False`, names like etag/checksum/cache) is inventoried, not flagged.
struct WeakHashRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.hash.weak", severity: .high,
        title: LocalizedText(en: "Broken hash function in security use", zh: "在安全用途中使用已被攻破的杂凑算法"),
        cwe: ["CWE-328"],
        remediation: LocalizedText(en: "Use SM3 (GB/T 32905) or SHA-256/SHA-3; for passwords use a salted, iterated KDF (PBKDF2, scrypt, Argon2).", zh: "改用 SM3（GB/T 32905）或 SHA-256/SHA-3；口令应使用加盐迭代的密钥派生函数（PBKDF2、scrypt、Argon2）。"))
    static let broken: Set<String> = ["MD2", "MD4", "MD5", "SHA-1"]

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .algorithm(let c, let role) = o.kind, role != .implementation, role != .channel else { return nil }
        // The hash itself, or the hash inside an HMAC/signature algorithm name.
        let hash: String
        if Self.broken.contains(c.family) { hash = c.family }
        else if c.family == "HMAC", let h = c.hash, Self.broken.contains(h) { hash = h }
        else { return nil }
        if o.securityUse == false { return nil }
        let inHMAC = c.family == "HMAC"
        // Signatures and certificates are always a security use; HMAC-SHA1 keeps a margin.
        let sev: Severity
        if inHMAC { sev = hash == "SHA-1" ? .low : .medium }
        else if role == .sign || role == .certificateSignature || o.securityUse == true { sev = .high }
        else { sev = .medium }
        let cls: AlgorithmClass = inHMAC && hash == "SHA-1" ? .weak : .forbidden
        let use = role == .sign || role == .certificateSignature ? "signature" : (inHMAC ? "HMAC" : (o.securityUse == true ? "security use" : "use of unknown purpose"))
        let useZh = role == .sign || role == .certificateSignature ? "签名" : (inHMAC ? "HMAC" : (o.securityUse == true ? "安全用途" : "用途不明的场景"))
        return RuleHit(severity: sev,
                       message: LocalizedText(en: "\(hash) in a \(use)", zh: "在\(useZh)中使用 \(hash)"),
                       classification: cls, highRisk: !inHMAC, subject: c.displayName)
    }
}
