import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let sentryAuthToken = SecretRule(
        id: "sentry-auth-token",
        title: LocalizedText(en: "Sentry auth token", zh: "Sentry 认证令牌"),
        category: "saas", severity: .high,
        keywords: ["sntrys_", "sntryu_"],
        pattern: #"\b(?:sntrys_[A-Za-z0-9+/=_-]{80}|sntryu_[a-f0-9]{64})"#,
        extend: "A-Za-z0-9+/=_-",
        examples: [
            "SENTRY_AUTH_TOKEN=sntryu_" + Fake.hex(64, "sentry"),
        ],
        counterExamples: [
            "sntryu_short",
        ]
    )
}
