import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let alipayAppPrivateKey = SecretRule(
        id: "alipay-app-private-key",
        title: LocalizedText(en: "Alipay application private key setting", zh: "支付宝应用私钥配置"),
        category: "payment", severity: .critical,
        keywords: ["alipay"],
        pattern: #"(?i)alipay[\w.-]{0,30}(?:private[\w.-]{0,5}key|merchant[\w.-]{0,5}key)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9+/]{100}"#,
        secret: .afterAssignment,
        minEntropy: 4.5,
        extend: "A-Za-z0-9+/=",
        examples: [
            "alipay.merchant_private_key=" + Fake.b64(600, "alipay"),
        ],
        counterExamples: [
            "alipay.app_id=2021" + Fake.digits(12, "alipayid"),
        ]
    )
}
