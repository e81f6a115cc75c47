import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let cloudflareApiToken = SecretRule(
        id: "cloudflare-api-token",
        title: LocalizedText(en: "Cloudflare API token", zh: "Cloudflare API 令牌"),
        category: "cloud", severity: .high,
        keywords: ["cloudflare", "cf_api"],
        pattern: #"(?i)(?:cloudflare|cf_api)[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9_-]{40}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "CLOUDFLARE_API_TOKEN=" + Fake.b64url(40, "cf"),
        ],
        counterExamples: [
            "cloudflare_zone = example.com",
        ]
    )
}
