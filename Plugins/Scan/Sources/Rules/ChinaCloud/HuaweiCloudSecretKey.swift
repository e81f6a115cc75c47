import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let huaweiCloudSecretKey = SecretRule(
        id: "huawei-cloud-secret-key",
        title: LocalizedText(en: "Huawei Cloud secret access key (SK)", zh: "华为云私有访问密钥（SK）"),
        category: "cloud", severity: .critical,
        keywords: ["huawei", "hwcloud", "obs"],
        pattern: #"(?i)(?:huawei|hwcloud|obs)[\w.-]{0,30}(?:secret|sk)[\w.-]{0,16}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{40}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "HUAWEICLOUD_SDK_SK=" + Fake.alnum(40, "hwsk"),
        ],
        counterExamples: [
            "obs_secret_ref = vault-path",
        ]
    )
}
