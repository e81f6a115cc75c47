import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let scalewaySecretKey = SecretRule(
        id: "scaleway-secret-key",
        title: LocalizedText(en: "Scaleway secret key", zh: "Scaleway 密钥"),
        category: "cloud", severity: .high,
        keywords: ["scw"],
        pattern: #"(?i)scw[\w.-]{0,20}secret[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#,
        secret: .afterAssignment,
        examples: [
            "SCW_SECRET_KEY=" + Fake.uuid("scw"),
        ],
        counterExamples: [
            "SCW_DEFAULT_REGION=fr-par",
        ]
    )
}
