import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let ageSecretKey = SecretRule(
        id: "age-secret-key",
        title: LocalizedText(en: "age secret key", zh: "age 私钥"),
        category: "private-key", severity: .critical,
        keywords: ["age-secret-key-1"],
        pattern: #"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"#,
        examples: [
            "# created: 2024-01-01\nAGE-SECRET-KEY-1" + Fake.chars("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58, "age"),
        ],
        counterExamples: [
            "age1" + Fake.chars("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58, "agepub"),
        ]
    )
}
