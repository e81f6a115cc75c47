import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let azureSasToken = SecretRule(
        id: "azure-sas-token",
        title: LocalizedText(en: "Azure shared access signature", zh: "Azure 共享访问签名（SAS）"),
        category: "cloud", severity: .high,
        keywords: ["sv=20"],
        pattern: #"(?i)[?&]sig=[A-Za-z0-9%+/]{40}"#,
        secret: .after("sig="),
        extend: "A-Za-z0-9%+/",
        keywordWindow: 1024,
        examples: [
            "https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01&sig=" + Fake.alnum(44, "sas") + "%3D",
        ],
        counterExamples: [
            "?sv=2022-11-02&sp=r&sig=abc",
        ]
    )
}
