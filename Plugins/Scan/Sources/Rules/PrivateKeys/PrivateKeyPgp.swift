import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let privateKeyPgp = SecretRule(
        id: "private-key-pgp",
        title: LocalizedText(en: "PGP private key block", zh: "PGP 私钥块"),
        category: "private-key", severity: .critical,
        keywords: ["pgp private key"],
        pattern: #"-----BEGIN PGP PRIVATE KEY BLOCK-----"#,
        examples: [
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + Fake.b64(64, "pgp") + "\n-----END PGP PRIVATE KEY BLOCK-----",
        ],
        counterExamples: [
            "-----BEGIN PGP PUBLIC KEY BLOCK-----",
        ]
    )
}
