import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let hashicorpVaultToken = SecretRule(
        id: "hashicorp-vault-token",
        title: LocalizedText(en: "HashiCorp Vault token", zh: "HashiCorp Vault 令牌"),
        category: "cloud", severity: .high,
        keywords: ["hvs.", "hvb."],
        pattern: #"\bhv[sb]\.[A-Za-z0-9_-]{24,200}"#,
        examples: [
            "VAULT_TOKEN=hvs." + Fake.b64url(90, "vault"),
        ],
        counterExamples: [
            "hvs.short",
        ]
    )
}
