import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let segmentWriteKey = SecretRule(
        id: "segment-write-key",
        title: LocalizedText(en: "Segment write key", zh: "Segment 写入密钥"),
        category: "saas", severity: .medium,
        keywords: ["segment"],
        pattern: #"(?i)segment[\w.-]{0,20}(?:write[_-]?key|key)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "SEGMENT_WRITE_KEY=" + Fake.alnum(32, "segment"),
        ],
        counterExamples: [
            "segment_source = web",
        ]
    )
}
