import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let privateKeySm2 = SecretRule(
        id: "private-key-sm2",
        title: LocalizedText(en: "SM2 private key (PEM)", zh: "SM2 私钥（PEM）"),
        category: "private-key", severity: .critical,
        keywords: ["sm2 private key"],
        pattern: #"-----BEGIN SM2 PRIVATE KEY-----\s{1,4}[A-Za-z0-9+/]{40}"#,
        examples: [
            Fake.pem("SM2 PRIVATE KEY", lines: 3, "sm2"),
        ],
        counterExamples: [
            "-----BEGIN SM2 PUBLIC KEY-----",
        ]
    )
}
