import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let genericSecret = SecretRule(
        id: "generic-secret",
        title: LocalizedText(en: "Secret key in configuration or code", zh: "配置或代码中的密钥"),
        category: "generic", severity: .high,
        keywords: ["secret", "private_key", "signing", "encryption"],
        pattern: #"(?i)\b(?:secret|secret_?key|client_?secret|app_?secret|api_?secret|encryption_?key|signing_?key|token_?secret|master_?key)["\']?\s{0,3}(?::|=>|:=|=)\s{0,5}["\']?[A-Za-z0-9+/=_.-]{16}"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        extend: "A-Za-z0-9+/=_.-",
        examples: [
            "client_secret = \"" + Fake.alnum(32, "gensec") + "\"",
        ],
        counterExamples: [
            "client_secret = \"" + String(repeating: "ab", count: 10) + "\"",
            "secret_name = my-app-tls",
        ]
    )
}
