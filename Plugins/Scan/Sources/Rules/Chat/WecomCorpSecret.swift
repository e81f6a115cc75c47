import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let wecomCorpSecret = SecretRule(
        id: "wecom-corp-secret",
        title: LocalizedText(en: "WeCom corp secret", zh: "企业微信应用 Secret"),
        category: "chat", severity: .high,
        keywords: ["corpsecret", "corp_secret", "wecom", "wework", "qywx"],
        pattern: #"(?i)(?:corp[_-]?secret|(?:wecom|wework|qywx)[\w.-]{0,20}secret)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9_-]{43}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "wecom.corp-secret=" + Fake.b64url(43, "wecomsec"),
        ],
        counterExamples: [
            "wecom.corp-id=ww" + Fake.hex(16, "wwid"),
        ]
    )
}
