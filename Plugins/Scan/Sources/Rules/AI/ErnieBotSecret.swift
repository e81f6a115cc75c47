import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let ernieBotSecret = SecretRule(
        id: "ernie-bot-secret",
        title: LocalizedText(en: "Baidu Qianfan (ERNIE) secret key", zh: "百度千帆（文心）Secret Key"),
        category: "ai", severity: .high,
        keywords: ["qianfan", "ernie", "wenxin"],
        pattern: #"(?i)(?:qianfan|ernie|wenxin)[\w.-]{0,20}(?:secret[_-]?key|sk)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "QIANFAN_SECRET_KEY=" + Fake.alnum(32, "qianfan"),
        ],
        counterExamples: [
            "qianfan_model = ERNIE-4.0",
        ]
    )
}
