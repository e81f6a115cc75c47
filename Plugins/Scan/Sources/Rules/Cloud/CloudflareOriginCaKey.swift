import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let cloudflareOriginCaKey = SecretRule(
        id: "cloudflare-origin-ca-key",
        title: LocalizedText(en: "Cloudflare origin CA key", zh: "Cloudflare 源站 CA 密钥"),
        category: "cloud", severity: .high,
        keywords: ["v1.0-"],
        pattern: #"\bv1\.0-[a-f0-9]{24}-[a-f0-9]{146}\b"#,
        examples: [
            "origin_ca_key = v1.0-" + Fake.hex(24, "cfo1") + "-" + Fake.hex(146, "cfo2"),
        ],
        counterExamples: [
            "v1.0-" + Fake.hex(24, "cfo3"),
        ]
    )
}
