import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let braintreeAccessToken = SecretRule(
        id: "braintree-access-token",
        title: LocalizedText(en: "Braintree/PayPal access token", zh: "Braintree/PayPal 访问令牌"),
        category: "payment", severity: .critical,
        keywords: ["access_token$production$"],
        pattern: #"access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}"#,
        examples: [
            "token = access_token$production$" + Fake.lowerDigits(16, "bt1") + "$" + Fake.hex(32, "bt2"),
        ],
        counterExamples: [
            "access_token$sandbox$abc",
        ]
    )
}
