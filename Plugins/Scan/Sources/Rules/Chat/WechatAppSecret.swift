import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let wechatAppSecret = SecretRule(
        id: "wechat-app-secret",
        title: LocalizedText(en: "WeChat official account / mini program AppSecret", zh: "微信公众号/小程序 AppSecret"),
        category: "chat", severity: .high,
        keywords: ["wechat", "weixin", "wx", "appsecret", "app_secret"],
        pattern: #"(?i)(?:wechat|weixin|wx|mp|miniapp)[\w.-]{0,20}(?:app[_-]?secret|secret)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.0,
        examples: [
            "wx.miniapp.secret=" + Fake.hex(32, "wxsec"),
        ],
        counterExamples: [
            "wx.miniapp.appid=wx" + Fake.hex(16, "wxid"),
        ]
    )
}
