import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let terraformCloudToken = SecretRule(
        id: "terraform-cloud-token",
        title: LocalizedText(en: "Terraform Cloud API token", zh: "Terraform Cloud API 令牌"),
        category: "cloud", severity: .high,
        keywords: ["atlasv1"],
        pattern: #"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}"#,
        examples: [
            "token = \"" + Fake.alnum(14, "tf1") + ".atlasv1." + Fake.b64url(67, "tf2") + "\"",
        ],
        counterExamples: [
            "x.atlasv1.short",
        ]
    )
}
