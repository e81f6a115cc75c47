import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let netrcPassword = SecretRule(
        id: "netrc-password",
        title: LocalizedText(en: "Credentials in a .netrc file", zh: ".netrc 文件中的凭据"),
        category: "database", severity: .high,
        keywords: ["machine"],
        pattern: #"(?i)\bpassword[ \t]{1,5}[^\s]{4}"#,
        secret: .lastToken,
        extend: "^ \t\r\n",
        keywordWindow: 512,
        examples: [
            "machine git.corp.cn login deploy password " + Fake.alnum(16, "netrc"),
        ],
        counterExamples: [
            "machine git.corp.cn login deploy",
        ]
    )
}
