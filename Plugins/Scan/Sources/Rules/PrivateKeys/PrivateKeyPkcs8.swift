import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let privateKeyPkcs8 = SecretRule(
        id: "private-key-pkcs8",
        title: LocalizedText(en: "Private key (PKCS#8)", zh: "私钥（PKCS#8）"),
        category: "private-key", severity: .critical,
        keywords: ["private key"],
        pattern: #"-----BEGIN (?:ENCRYPTED )?PRIVATE KEY-----\s{1,4}[A-Za-z0-9+/]{40}"#,
        examples: [
            Fake.pem("PRIVATE KEY", "pkcs8"),
            Fake.pem("ENCRYPTED PRIVATE KEY", "pkcs8e"),
        ],
        counterExamples: [
            "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
            Fake.pem("CERTIFICATE", "cert"),
        ]
    )
}
