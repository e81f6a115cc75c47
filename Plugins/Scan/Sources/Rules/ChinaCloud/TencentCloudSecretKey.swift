import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let tencentCloudSecretKey = SecretRule(
        id: "tencent-cloud-secret-key",
        title: LocalizedText(en: "Tencent Cloud SecretKey", zh: "腾讯云 SecretKey"),
        category: "cloud", severity: .critical,
        keywords: ["tencent", "qcloud", "akid", "tccloud"],
        pattern: #"(?i)(?:(?:tencent|qcloud|tccloud)[\w.-]{0,30}(?:secret|sk)|secret[_-]?key)[\w.-]{0,10}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "TENCENTCLOUD_SECRET_KEY=" + Fake.alnum(32, "tcsk"),
            "secretId: AKID" + Fake.alnum(32, "tcsid") + "\nsecretKey: " + Fake.alnum(32, "tcsk2"),
        ],
        counterExamples: [
            "secret_key = " + Fake.alnum(32, "notc"),
        ]
    )
}
