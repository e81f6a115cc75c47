import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let pypiUploadToken = SecretRule(
        id: "pypi-upload-token",
        title: LocalizedText(en: "PyPI upload token", zh: "PyPI 上传令牌"),
        category: "source-control", severity: .high,
        keywords: ["pypi-"],
        pattern: #"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50}"#,
        extend: "A-Za-z0-9_-",
        examples: [
            "password = pypi-AgEIcHlwaS5vcmc" + Fake.b64url(70, "pypi"),
        ],
        counterExamples: [
            "pypi-AgEIcHlwaS5vcmcshort",
        ]
    )
}
