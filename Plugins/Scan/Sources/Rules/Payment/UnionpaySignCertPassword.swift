import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let unionpaySignCertPassword = SecretRule(
        id: "unionpay-sign-cert-password",
        title: LocalizedText(en: "UnionPay signing certificate password", zh: "银联签名证书口令"),
        category: "payment", severity: .critical,
        keywords: ["signcert"],
        pattern: #"(?i)acpsdk\.signCert\.pwd\s{0,3}[:=]\s{0,5}[^\s"\']{4,64}"#,
        secret: .afterAssignment,
        examples: [
            "acpsdk.signCert.pwd=" + Fake.alnum(10, "unionpay"),
        ],
        counterExamples: [
            "acpsdk.signCert.pwd=${CERT_PWD}",
        ]
    )
}
