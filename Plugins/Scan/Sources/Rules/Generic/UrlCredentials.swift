import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let urlCredentials = SecretRule(
        id: "url-credentials",
        title: LocalizedText(en: "Credentials in a URL", zh: "URL 中的凭据"),
        category: "generic", severity: .high,
        keywords: ["://"],
        pattern: #"(?i)\b(?:https?|ftps?|sftp|ssh|smb|ldaps?|git|svn)://"#,
        locate: .urlCredentials(schemes: ["http", "https", "ftp", "ftps", "sftp", "ssh", "smb", "ldap", "ldaps", "git", "svn"], minPasswordLength: 3),
        examples: [
            "git clone https://deploy:" + Fake.alnum(16, "urlpw") + "@git.corp.cn/team/app.git",
        ],
        counterExamples: [
            "https://user:${PASSWORD}@host",
            "https://example.com:8443/path",
        ]
    )
}
