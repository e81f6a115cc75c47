import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let firebaseCloudMessagingKey = SecretRule(
        id: "firebase-cloud-messaging-key",
        title: LocalizedText(en: "Firebase Cloud Messaging server key", zh: "Firebase 云消息服务器密钥"),
        category: "cloud", severity: .high,
        keywords: ["aaaa"],
        pattern: #"\bAAAA[A-Za-z0-9_-]{7}:[A-Za-z0-9_-]{140}"#,
        examples: [
            "fcm_server_key=AAAA" + Fake.b64url(7, "fcm1") + ":" + Fake.b64url(140, "fcm2"),
        ],
        counterExamples: [
            "AAAA" + Fake.b64url(7, "fcm3") + ":short",
        ]
    )
}
