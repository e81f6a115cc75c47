import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let giteeAccessToken = SecretRule(
        id: "gitee-access-token",
        title: LocalizedText(en: "Gitee access token", zh: "Gitee 私人令牌"),
        category: "source-control", severity: .high,
        keywords: ["gitee"],
        pattern: #"(?i)gitee[\w.-]{0,20}(?:token|access)[\w.-]{0,10}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{32}\b"#,
        secret: .afterAssignment,
        examples: [
            "GITEE_TOKEN=" + Fake.hex(32, "gitee"),
        ],
        counterExamples: [
            "gitee_repo = owner/name",
        ]
    )
}
