import DSToolKit

/// java.util.Random, Math.random, Python's random, Go's math/rand, C rand(), System.Random: predictable
/// generators. Flagged only where the value feeds a key, IV, salt, token, password or similar.
struct WeakRandomRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.random.weak", severity: .high,
        title: LocalizedText(en: "Predictable random numbers for a security purpose", zh: "安全用途使用可预测的随机数"),
        cwe: ["CWE-330", "CWE-338"],
        remediation: LocalizedText(en: "Use a CSPRNG: SecureRandom, secrets/os.urandom, crypto/rand, crypto.randomBytes/getRandomValues, RandomNumberGenerator, RAND_bytes.", zh: "改用密码学安全随机数发生器：SecureRandom、secrets/os.urandom、crypto/rand、crypto.randomBytes/getRandomValues、RandomNumberGenerator、RAND_bytes。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .weakRandom(let api) = o.kind, o.securityUse == true else { return nil }
        return RuleHit(severity: .high,
                       message: LocalizedText(en: "\(api) is not cryptographically secure", zh: "\(api) 不是密码学安全的随机数发生器"),
                       classification: .forbidden, highRisk: false, subject: api)
    }
}
