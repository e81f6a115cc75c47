import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let ucloudPrivateKey = SecretRule(
        id: "ucloud-private-key",
        title: LocalizedText(en: "UCloud API private key", zh: "UCloud API 私钥"),
        category: "cloud", severity: .critical,
        keywords: ["ucloud"],
        pattern: #"(?i)ucloud[\w.-]{0,30}(?:private|secret)[\w.-]{0,10}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{40}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "UCLOUD_PRIVATE_KEY=" + Fake.alnum(40, "ucloud"),
        ],
        counterExamples: [
            "ucloud_region = cn-bj2",
        ]
    )
}
