import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let tencentMapKey = SecretRule(
        id: "tencent-map-key",
        title: LocalizedText(en: "Tencent Location Service key", zh: "腾讯位置服务 Key"),
        category: "saas", severity: .medium,
        keywords: ["map", "lbs", "qq", "tencent"],
        pattern: #"\b[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}\b"#,
        examples: [
            "qqmap.key=" + (0..<6).map { Fake.upperDigits(5, "tm\($0)") }.joined(separator: "-"),
        ],
        counterExamples: [
            "serial=" + (0..<6).map { Fake.upperDigits(5, "sn\($0)") }.joined(separator: "-"),
        ]
    )
}
