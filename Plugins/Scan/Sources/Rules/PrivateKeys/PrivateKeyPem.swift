import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let privateKeyPem = SecretRule(
        id: "private-key-pem",
        title: LocalizedText(en: "Private key (PEM, PKCS#1/SEC1)", zh: "私钥（PEM，PKCS#1/SEC1）"),
        category: "private-key", severity: .critical,
        keywords: ["private key"],
        pattern: #"-----BEGIN (?:RSA |DSA |EC )PRIVATE KEY-----\s{1,4}(?:[A-Za-z0-9+/]{40}|Proc-Type: 4,ENCRYPTED)"#,
        examples: [
            Fake.pem("RSA PRIVATE KEY", "pem-rsa"),
            Fake.pem("EC PRIVATE KEY", lines: 3, "pem-ec"),
        ],
        counterExamples: [
            "-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----",
            Fake.pem("PUBLIC KEY", "pem-pub"),
        ]
    )
}
