import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let privateKeyJwk = SecretRule(
        id: "private-key-jwk",
        title: LocalizedText(en: "Private key as JSON Web Key", zh: "JWK 格式私钥"),
        category: "private-key", severity: .critical,
        keywords: ["kty"],
        pattern: #""d"\s{0,3}:\s{0,3}"[A-Za-z0-9_-]{40}"#,
        secret: .lastToken,
        extend: "A-Za-z0-9_-",
        keywordWindow: 2048,
        examples: [
            "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + Fake.b64url(43, "jx") + "\",\"y\":\"" + Fake.b64url(43, "jy") + "\",\"d\":\"" + Fake.b64url(43, "jd") + "\"}",
        ],
        counterExamples: [
            "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + Fake.b64url(43, "jx2") + "\",\"y\":\"" + Fake.b64url(43, "jy2") + "\"}",
        ]
    )
}
