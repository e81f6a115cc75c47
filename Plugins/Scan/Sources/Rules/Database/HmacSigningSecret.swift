import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let hmacSigningSecret = SecretRule(
        id: "hmac-signing-secret",
        title: LocalizedText(en: "Hard-coded signing secret (JWT/HMAC)", zh: "硬编码的签名密钥（JWT/HMAC）"),
        category: "database", severity: .high,
        keywords: ["jwt", "hmac", "signing", "sign"],
        pattern: #"(?i)(?:jwt|hmac|signing|sign)[\w.-]{0,20}(?:secret|key)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9+/=_-]{24}"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        extend: "A-Za-z0-9+/=_-",
        examples: [
            "jwt.secret=" + Fake.b64(48, "jwtsecret"),
        ],
        counterExamples: [
            "jwt.secret=${JWT_SECRET}",
            "jwt.expiry=3600",
        ]
    )
}
