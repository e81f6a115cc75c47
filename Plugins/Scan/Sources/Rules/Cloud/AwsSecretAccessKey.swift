import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let awsSecretAccessKey = SecretRule(
        id: "aws-secret-access-key",
        title: LocalizedText(en: "AWS secret access key", zh: "AWS 秘密访问密钥"),
        category: "cloud", severity: .critical,
        keywords: ["aws"],
        pattern: #"(?i)aws[\w.-]{0,25}(?:secret|sk)[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9/+]{40}"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "aws_secret_access_key = " + Fake.b64(40, "awssk"),
            "AWS_SECRET_ACCESS_KEY: \"" + Fake.b64(40, "awssk2") + "\"",
        ],
        counterExamples: [
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key = " + String(repeating: "a", count: 40),
        ]
    )
}
