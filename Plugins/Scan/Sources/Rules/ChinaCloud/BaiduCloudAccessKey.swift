import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let baiduCloudAccessKey = SecretRule(
        id: "baidu-cloud-access-key",
        title: LocalizedText(en: "Baidu AI Cloud (BCE) access key", zh: "百度智能云访问密钥（AK）"),
        category: "cloud", severity: .high,
        keywords: ["baidu", "bce", "bos"],
        pattern: #"(?i)(?:baidu|bce|bos)[\w.-]{0,30}(?:access[_-]?key|ak)(?:[_-]?id)?["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[a-f0-9]{32}\b"#,
        secret: .afterAssignment,
        examples: [
            "bce.access_key_id=" + Fake.hex(32, "bceak"),
        ],
        counterExamples: [
            "bos.bucket=my-bucket",
        ]
    )
}
