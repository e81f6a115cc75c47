import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let jpushMasterSecret = SecretRule(
        id: "jpush-master-secret",
        title: LocalizedText(en: "JPush / Getui master secret", zh: "极光/个推推送 Master Secret"),
        category: "chat", severity: .high,
        keywords: ["jpush", "getui", "master"],
        pattern: #"(?i)(?:jpush|getui|master)[\w.-]{0,20}secret["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{24}\b"#,
        secret: .afterAssignment,
        examples: [
            "jpush.master-secret=" + Fake.hex(24, "jpush"),
        ],
        counterExamples: [
            "jpush.app-key=" + Fake.hex(24, "jpushkey"),
        ]
    )
}
