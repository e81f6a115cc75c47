import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let baiduCloudSecretKey = SecretRule(
        id: "baidu-cloud-secret-key",
        title: LocalizedText(en: "Baidu AI Cloud (BCE) secret key", zh: "百度智能云私有访问密钥（SK）"),
        category: "cloud", severity: .critical,
        keywords: ["baidu", "bce", "bos"],
        pattern: #"(?i)(?:baidu|bce|bos)[\w.-]{0,30}(?:secret|sk)[\w.-]{0,16}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[a-f0-9]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.0,
        examples: [
            "BCE_SECRET_ACCESS_KEY=" + Fake.hex(32, "bcesk"),
        ],
        counterExamples: [
            "bce_secret_ref = none",
        ]
    )
}
