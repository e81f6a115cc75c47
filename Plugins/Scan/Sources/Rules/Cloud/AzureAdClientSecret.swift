import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let azureAdClientSecret = SecretRule(
        id: "azure-ad-client-secret",
        title: LocalizedText(en: "Azure AD client secret", zh: "Azure AD 客户端密钥"),
        category: "cloud", severity: .high,
        keywords: ["q~"],
        pattern: #"[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}"#,
        examples: [
            "AZURE_CLIENT_SECRET=" + Fake.alnum(3, "azad") + "8Q~" + Fake.alnum(34, "azad2"),
        ],
        counterExamples: [
            "abc8Q~short",
        ]
    )
}
