import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let gcpServiceAccountKey = SecretRule(
        id: "gcp-service-account-key",
        title: LocalizedText(en: "Google Cloud service account key", zh: "谷歌云服务账号密钥"),
        category: "cloud", severity: .critical,
        keywords: ["private_key_id"],
        pattern: #""private_key_id"\s{0,3}:\s{0,3}"[0-9a-f]{40}""#,
        secret: .afterAssignment,
        examples: [
            "{\"type\": \"service_account\", \"private_key_id\": \"" + Fake.hex(40, "gsa") + "\"}",
        ],
        counterExamples: [
            "\"private_key_id\": \"\"",
        ]
    )
}
