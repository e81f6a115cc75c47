import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let privateKeyPutty = SecretRule(
        id: "private-key-putty",
        title: LocalizedText(en: "PuTTY private key file", zh: "PuTTY 私钥文件"),
        category: "private-key", severity: .critical,
        keywords: ["putty-user-key-file"],
        pattern: #"PuTTY-User-Key-File-[23]: (?:ssh-rsa|ssh-dss|ecdsa-sha2-nistp(?:256|384|521)|ssh-ed25519|ssh-ed448)"#,
        examples: [
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: synthetic\nPublic-Lines: 2\n" + Fake.b64(64, "ppk"),
        ],
        counterExamples: [
            "PuTTY-User-Key-File-9: ssh-rsa",
        ]
    )
}
