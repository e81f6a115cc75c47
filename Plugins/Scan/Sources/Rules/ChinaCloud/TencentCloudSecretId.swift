import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let tencentCloudSecretId = SecretRule(
        id: "tencent-cloud-secret-id",
        title: LocalizedText(en: "Tencent Cloud SecretId", zh: "腾讯云 SecretId"),
        category: "cloud", severity: .high,
        keywords: ["akid"],
        pattern: #"\bAKID[A-Za-z0-9]{32}\b"#,
        examples: [
            "TENCENTCLOUD_SECRET_ID=AKID" + Fake.alnum(32, "akid"),
        ],
        counterExamples: [
            "AKID" + Fake.alnum(10, "akids"),
        ]
    )
}
