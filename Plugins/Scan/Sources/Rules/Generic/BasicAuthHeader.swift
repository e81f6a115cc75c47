import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let basicAuthHeader = SecretRule(
        id: "basic-auth-header",
        title: LocalizedText(en: "HTTP Basic credentials", zh: "HTTP Basic 认证凭据"),
        category: "generic", severity: .high,
        keywords: ["basic"],
        pattern: #"(?i)authorization\s{0,3}:\s{0,3}basic\s{1,3}[A-Za-z0-9+/]{8,200}={0,2}"#,
        secret: .after("basic "),
        examples: [
            "Authorization: Basic " + Data(("admin:" + Fake.alnum(12, "basic")).utf8).base64EncodedString(),
        ],
        counterExamples: [
            "Authorization: Basic <credentials>",
        ]
    )
}
