import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let wechatPayApiKey = SecretRule(
        id: "wechat-pay-api-key",
        title: LocalizedText(en: "WeChat Pay API key", zh: "微信支付 API 密钥"),
        category: "chat", severity: .critical,
        keywords: ["wxpay", "wechat", "mch", "apiv3", "api_v3"],
        pattern: #"(?i)(?:wxpay|wechat[_-]?pay|mch|api[_-]?v3)[\w.-]{0,20}(?:key|secret)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "wxpay.mch-key=" + Fake.alnum(32, "wxpay"),
        ],
        counterExamples: [
            "wxpay.mch-id=1" + Fake.digits(9, "mchid"),
        ]
    )
}
