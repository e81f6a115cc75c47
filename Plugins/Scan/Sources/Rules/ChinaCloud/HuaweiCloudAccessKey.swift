import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let huaweiCloudAccessKey = SecretRule(
        id: "huawei-cloud-access-key",
        title: LocalizedText(en: "Huawei Cloud access key (AK)", zh: "华为云访问密钥 ID（AK）"),
        category: "cloud", severity: .high,
        keywords: ["huawei", "hwcloud", "obs"],
        pattern: #"(?i)(?:huawei|hwcloud|obs)[\w.-]{0,30}(?:access[_-]?key|ak)(?:[_-]?id)?["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Z0-9]{20}\b"#,
        secret: .afterAssignment,
        examples: [
            "huaweicloud.access_key=" + Fake.upperDigits(20, "hwak"),
        ],
        counterExamples: [
            "obs.endpoint=obs.cn-north-4.myhuaweicloud.com",
        ]
    )
}
