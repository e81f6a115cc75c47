import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let azureStorageAccountKey = SecretRule(
        id: "azure-storage-account-key",
        title: LocalizedText(en: "Azure storage account key", zh: "Azure 存储账户密钥"),
        category: "cloud", severity: .critical,
        keywords: ["accountkey"],
        pattern: #"(?i)AccountKey=[A-Za-z0-9+/]{86}=="#,
        secret: .after("AccountKey="),
        examples: [
            "DefaultEndpointsProtocol=https;AccountName=synthetic;AccountKey=" + Fake.b64(86, "azsa") + "==;EndpointSuffix=core.windows.net",
        ],
        counterExamples: [
            "AccountKey=" + Fake.b64(40, "azshort") + "==",
        ]
    )
}
