import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let feishuTenantAccessToken = SecretRule(
        id: "feishu-tenant-access-token",
        title: LocalizedText(en: "Feishu/Lark tenant access token", zh: "飞书 tenant_access_token"),
        category: "chat", severity: .high,
        keywords: ["tenant_access_token"],
        pattern: #"(?i)tenant_access_token["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?t-[A-Za-z0-9_]{30,60}"#,
        secret: .afterAssignment,
        examples: [
            "{\"tenant_access_token\": \"t-" + Fake.alnum(40, "tat") + "\"}",
        ],
        counterExamples: [
            "tenant_access_token: t-short",
        ]
    )
}
