import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let dockerConfigAuth = SecretRule(
        id: "docker-config-auth",
        title: LocalizedText(en: "Registry credentials in a Docker config", zh: "Docker 配置中的镜像仓库凭据"),
        category: "source-control", severity: .high,
        keywords: ["auths"],
        pattern: #""auths"\s{0,3}:\s{0,3}\{\s{0,20}"[^"]{1,253}"\s{0,3}:\s{0,3}\{\s{0,20}"auth"\s{0,3}:\s{0,3}"[A-Za-z0-9+/]{8,400}={0,2}""#,
        secret: .lastToken,
        examples: [
            "{\"auths\": {\"registry.corp.cn\": {\"auth\": \"" + Data(("deploy:" + Fake.alnum(16, "dockerauth")).utf8).base64EncodedString() + "\"}}}",
        ],
        counterExamples: [
            "{\"auths\": {\"registry.corp.cn\": {}}}",
        ]
    )
}
