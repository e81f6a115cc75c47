import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let gitlabFeedToken = SecretRule(
        id: "gitlab-feed-token",
        title: LocalizedText(en: "GitLab feed token", zh: "GitLab 订阅令牌"),
        category: "source-control", severity: .medium,
        keywords: ["glft-"],
        pattern: #"\bglft-[A-Za-z0-9_-]{20}"#,
        examples: [
            "feed_token=glft-" + Fake.alnum(20, "glft"),
        ],
        counterExamples: [
            "glft-short",
        ]
    )
}
