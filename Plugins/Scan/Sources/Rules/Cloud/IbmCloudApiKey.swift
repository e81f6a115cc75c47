import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let ibmCloudApiKey = SecretRule(
        id: "ibm-cloud-api-key",
        title: LocalizedText(en: "IBM Cloud API key", zh: "IBM Cloud API 密钥"),
        category: "cloud", severity: .high,
        keywords: ["ibm"],
        pattern: #"(?i)ibm[\w.-]{0,20}(?:api_?key|apikey)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9_-]{44}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "IBMCLOUD_API_KEY=" + Fake.b64url(44, "ibm"),
        ],
        counterExamples: [
            "ibm_region = us-south",
        ]
    )
}
