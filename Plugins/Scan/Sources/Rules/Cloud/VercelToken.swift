import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let vercelToken = SecretRule(
        id: "vercel-token",
        title: LocalizedText(en: "Vercel access token", zh: "Vercel 访问令牌"),
        category: "cloud", severity: .high,
        keywords: ["vercel"],
        pattern: #"(?i)vercel[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{24}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "VERCEL_TOKEN=" + Fake.alnum(24, "vercel"),
        ],
        counterExamples: [
            "vercel_project = dashboard-app-prod",
        ]
    )
}
