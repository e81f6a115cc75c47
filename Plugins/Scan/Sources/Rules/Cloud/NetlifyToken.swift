import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let netlifyToken = SecretRule(
        id: "netlify-token",
        title: LocalizedText(en: "Netlify access token", zh: "Netlify 访问令牌"),
        category: "cloud", severity: .high,
        keywords: ["netlify"],
        pattern: #"(?i)netlify[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9_-]{40,46}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "NETLIFY_AUTH_TOKEN=" + Fake.b64url(43, "netlify"),
        ],
        counterExamples: [
            "netlify_site = my-site",
        ]
    )
}
