import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let ctyunSecretKey = SecretRule(
        id: "ctyun-secret-key",
        title: LocalizedText(en: "China Telecom Cloud (CTyun) secret key", zh: "天翼云私有访问密钥"),
        category: "cloud", severity: .critical,
        keywords: ["ctyun"],
        pattern: #"(?i)ctyun[\w.-]{0,30}(?:secret|sk)[\w.-]{0,16}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "ctyun.secret_key=" + Fake.alnum(32, "ctyun"),
        ],
        counterExamples: [
            "ctyun.region=cn-hz",
        ]
    )
}
