import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let baiduMapAk = SecretRule(
        id: "baidu-map-ak",
        title: LocalizedText(en: "Baidu Maps AK", zh: "百度地图 AK"),
        category: "saas", severity: .medium,
        keywords: ["api.map.baidu.com"],
        pattern: #"(?i)[?&]ak=[A-Za-z0-9]{32}\b"#,
        secret: .after("ak="),
        keywordWindow: 1024,
        examples: [
            "https://api.map.baidu.com/geocoding/v3/?address=x&output=json&ak=" + Fake.alnum(32, "bmap"),
        ],
        counterExamples: [
            "https://api.map.baidu.com/?ak=",
        ]
    )
}
