import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let amapWebKey = SecretRule(
        id: "amap-web-key",
        title: LocalizedText(en: "AMap (Gaode) web service key", zh: "高德地图 Web 服务 Key"),
        category: "saas", severity: .medium,
        keywords: ["amap", "gaode", "autonavi"],
        pattern: #"(?i)(?:amap|gaode|autonavi)[\w.-]{0,20}(?:key|secret)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{32}\b"#,
        secret: .afterAssignment,
        examples: [
            "amap.web-key=" + Fake.hex(32, "amap"),
        ],
        counterExamples: [
            "amap.city=北京",
        ]
    )
}
