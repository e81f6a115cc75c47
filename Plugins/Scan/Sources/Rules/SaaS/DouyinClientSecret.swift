import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let douyinClientSecret = SecretRule(
        id: "douyin-client-secret",
        title: LocalizedText(en: "Douyin/ByteDance open platform client secret", zh: "抖音/字节开放平台 Client Secret"),
        category: "saas", severity: .high,
        keywords: ["douyin", "bytedance", "tiktok"],
        pattern: #"(?i)(?:douyin|bytedance|tiktok)[\w.-]{0,20}(?:client[_-]?secret|app[_-]?secret|secret)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{32}\b"#,
        secret: .afterAssignment,
        examples: [
            "douyin.client-secret=" + Fake.hex(32, "douyin"),
        ],
        counterExamples: [
            "douyin.client-key=aw" + Fake.hex(14, "dykey"),
        ]
    )
}
