import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let qiniuSecretKey = SecretRule(
        id: "qiniu-secret-key",
        title: LocalizedText(en: "Qiniu Cloud secret key", zh: "七牛云 SecretKey"),
        category: "cloud", severity: .critical,
        keywords: ["qiniu"],
        pattern: #"(?i)qiniu[\w.-]{0,30}(?:secret|sk)[\w.-]{0,16}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9_-]{40}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "qiniu.secret-key=" + Fake.b64url(40, "qiniu"),
        ],
        counterExamples: [
            "qiniu.bucket=images",
        ]
    )
}
