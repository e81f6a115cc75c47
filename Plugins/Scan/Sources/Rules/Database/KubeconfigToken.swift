import DSToolKit
import Foundation

extension SecretRules {
    static let kubeconfigToken = SecretRule(
        id: "kubeconfig-token",
        title: LocalizedText(en: "Token or client key in a kubeconfig", zh: "kubeconfig 中的令牌或客户端私钥"),
        category: "database", severity: .critical,
        keywords: ["token", "client-key-data"],
        pattern: #"(?i)\b(?:client-key-data|token)\s{0,3}:\s{0,5}["\']?[A-Za-z0-9+/=._-]{40}"#,
        secret: .afterAssignment,
        minEntropy: 4.0,
        extend: "A-Za-z0-9+/=._-",
        examples: [
            "users:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTi" + Fake.b64(200, "kube"),
        ],
        counterExamples: [
            "    token: short-token",
        ]
    )
}
