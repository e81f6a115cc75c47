import DSToolKit

/// A fixed or all-zero IV makes CBC deterministic and breaks CTR/GCM completely (nonce reuse).
struct StaticIVRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.iv.static", severity: .medium,
        title: LocalizedText(en: "Static or zero initialisation vector", zh: "使用固定或全零的初始化向量"),
        cwe: ["CWE-329", "CWE-1204"],
        remediation: LocalizedText(en: "Generate a fresh IV/nonce from a CSPRNG for every encryption and store it with the ciphertext.", zh: "每次加密都用密码学安全随机数生成新的 IV/nonce，并与密文一同保存。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .staticIV(let what) = o.kind else { return nil }
        return RuleHit(severity: .medium,
                       message: LocalizedText(en: "the IV is \(what)", zh: "初始化向量为\(what == "all zero" ? "全零" : "固定值")（\(what)）"),
                       classification: .weak, highRisk: false, subject: nil)
    }
}
