import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let hardcodedSymmetricKey = SecretRule(
        id: "hardcoded-symmetric-key",
        title: LocalizedText(en: "Hard-coded symmetric key (SM4/AES/DES)", zh: "硬编码的对称密钥（SM4/AES/DES）"),
        category: "database", severity: .high,
        keywords: ["sm4", "aes", "des", "encrypt", "crypto", "cipher"],
        pattern: #"(?i)(?:sm4|aes|3?des|encrypt(?:ion)?|crypto|cipher)[\w.-]{0,20}key["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-fA-F]{32,64}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.0,
        examples: [
            "sm4.key=" + Fake.hex(32, "sm4"),
            "AES_KEY = \"" + Fake.hex(64, "aes") + "\"",
        ],
        counterExamples: [
            "aes.key.length=256",
        ]
    )
}
