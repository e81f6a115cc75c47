import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let alibabaAccessKeySecret = SecretRule(
        id: "alibaba-access-key-secret",
        title: LocalizedText(en: "Alibaba Cloud AccessKey secret", zh: "阿里云 AccessKey Secret"),
        category: "cloud", severity: .critical,
        keywords: ["aliyun", "alibaba", "alicloud", "accesskeysecret", "access_key_secret", "access-key-secret"],
        pattern: #"(?i)(?:(?:aliyun|alibaba|alicloud)[\w.-]{0,30}(?:secret|sk)|access[_-]?key[_-]?secret)[\w.-]{0,10}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{30}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "aliyun.access-key-secret=" + Fake.alnum(30, "alisk"),
            "  accessKeySecret: \"" + Fake.alnum(30, "alisk2") + "\"",
        ],
        counterExamples: [
            "accessKeySecret: \"" + String(repeating: "x", count: 30) + "\"",
            "aliyun.region=cn-hangzhou",
        ]
    )
}
