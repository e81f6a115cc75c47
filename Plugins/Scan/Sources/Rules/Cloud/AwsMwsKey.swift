import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let awsMwsKey = SecretRule(
        id: "aws-mws-key",
        title: LocalizedText(en: "Amazon MWS auth token", zh: "亚马逊 MWS 授权令牌"),
        category: "cloud", severity: .high,
        keywords: ["amzn.mws"],
        pattern: #"amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#,
        examples: [
            "mws_token=amzn.mws." + Fake.uuid("mws"),
        ],
        counterExamples: [
            "amzn.mws.1234",
        ]
    )
}
