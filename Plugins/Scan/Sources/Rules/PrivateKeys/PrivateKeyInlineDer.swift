import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let privateKeyInlineDer = SecretRule(
        id: "private-key-inline-der",
        title: LocalizedText(en: "Private key as inline base64 (DER)", zh: "内联 Base64 私钥（DER）"),
        category: "private-key", severity: .critical,
        keywords: ["private"],
        pattern: #"(?i)private[\w.-]{0,5}key["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?MII[A-Za-z0-9+/]{200}"#,
        secret: .afterAssignment,
        extend: "A-Za-z0-9+/=",
        examples: [
            "alipay.app-private-key=MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + Fake.b64(400, "der"),
        ],
        counterExamples: [
            "alipay.public-key=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A" + Fake.b64(300, "derpub"),
            "private_key = MIIshort",
        ]
    )
}
