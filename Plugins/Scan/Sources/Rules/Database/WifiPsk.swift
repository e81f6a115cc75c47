import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let wifiPsk = SecretRule(
        id: "wifi-psk",
        title: LocalizedText(en: "Wi-Fi pre-shared key", zh: "Wi-Fi 预共享密钥"),
        category: "database", severity: .medium,
        keywords: ["psk", "wpa_passphrase"],
        pattern: #"(?i)\b(?:wpa_passphrase|psk)\s{0,3}=\s{0,3}["\']?[^\s"\']{8,63}"#,
        secret: .afterAssignment,
        examples: [
            "wpa_passphrase=" + Fake.alnum(14, "wifi"),
        ],
        counterExamples: [
            "psk=short",
        ]
    )
}
