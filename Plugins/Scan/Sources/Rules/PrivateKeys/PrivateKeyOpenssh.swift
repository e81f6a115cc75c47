import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let privateKeyOpenssh = SecretRule(
        id: "private-key-openssh",
        title: LocalizedText(en: "OpenSSH private key", zh: "OpenSSH 私钥"),
        category: "private-key", severity: .critical,
        keywords: ["openssh"],
        pattern: #"-----BEGIN OPENSSH PRIVATE KEY-----\s{1,4}b3BlbnNzaC1rZXktdjE"#,
        examples: [
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA" + Fake.b64(60, "ossh") + "\n-----END OPENSSH PRIVATE KEY-----",
        ],
        counterExamples: [
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + Fake.b64(43, "osshpub") + " user@host",
        ]
    )
}
