import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let intercomAccessToken = SecretRule(
        id: "intercom-access-token",
        title: LocalizedText(en: "Intercom access token", zh: "Intercom 访问令牌"),
        category: "saas", severity: .high,
        keywords: ["intercom"],
        pattern: #"(?i)intercom[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?dG9rOj[A-Za-z0-9+/=]{40,70}"#,
        secret: .afterAssignment,
        examples: [
            "INTERCOM_TOKEN=dG9rOj" + Fake.b64(54, "intercom"),
        ],
        counterExamples: [
            "intercom_app = x",
        ]
    )
}
