import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let volcengineSecretKey = SecretRule(
        id: "volcengine-secret-key",
        title: LocalizedText(en: "Volcengine secret key", zh: "火山引擎私有访问密钥"),
        category: "cloud", severity: .critical,
        keywords: ["volc", "bytedance"],
        pattern: #"(?i)(?:volc|volcengine|bytedance)[\w.-]{0,30}(?:secret|sk)[\w.-]{0,16}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9+/=]{40}"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        extend: "A-Za-z0-9+/=",
        examples: [
            "VOLC_SECRETKEY=" + Fake.b64(60, "volcsk"),
        ],
        counterExamples: [
            "volc_region = cn-beijing",
        ]
    )
}
