import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let privateKeySsh2 = SecretRule(
        id: "private-key-ssh2",
        title: LocalizedText(en: "SSH2 encrypted private key", zh: "SSH2 加密私钥"),
        category: "private-key", severity: .critical,
        keywords: ["ssh2 encrypted private key"],
        pattern: #"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"#,
        examples: [
            "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"synthetic\"\n" + Fake.b64(64, "ssh2"),
        ],
        counterExamples: [
            "---- BEGIN SSH2 PUBLIC KEY ----",
        ]
    )
}
