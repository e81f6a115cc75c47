import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let shopifyToken = SecretRule(
        id: "shopify-token",
        title: LocalizedText(en: "Shopify access token or secret", zh: "Shopify 访问令牌或密钥"),
        category: "payment", severity: .high,
        keywords: ["shpat_", "shpca_", "shppa_", "shpss_"],
        pattern: #"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b"#,
        examples: [
            "SHOPIFY_TOKEN=shpat_" + Fake.hex(32, "shopify"),
        ],
        counterExamples: [
            "shpat_1234",
        ]
    )
}
