import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let dockerHubPat = SecretRule(
        id: "docker-hub-pat",
        title: LocalizedText(en: "Docker Hub access token", zh: "Docker Hub 访问令牌"),
        category: "source-control", severity: .high,
        keywords: ["dckr_pat_"],
        pattern: #"\bdckr_pat_[A-Za-z0-9_-]{27}"#,
        examples: [
            "DOCKERHUB_TOKEN=dckr_pat_" + Fake.b64url(27, "dckr"),
        ],
        counterExamples: [
            "dckr_pat_short",
        ]
    )
}
