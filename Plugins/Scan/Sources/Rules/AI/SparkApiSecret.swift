import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let sparkApiSecret = SecretRule(
        id: "spark-api-secret",
        title: LocalizedText(en: "iFlytek Spark API secret", zh: "讯飞星火 API Secret"),
        category: "ai", severity: .high,
        keywords: ["xfyun", "spark", "iflytek"],
        pattern: #"(?i)(?:xfyun|spark|iflytek)[\w.-]{0,20}(?:api[_-]?secret)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "SPARK_API_SECRET=" + Fake.alnum(32, "spark"),
        ],
        counterExamples: [
            "spark_app_id = 1234",
        ]
    )
}
