import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let kubeconfigClientKey = SecretRule(
        id: "kubeconfig-client-key",
        title: LocalizedText(en: "Client private key in a kubeconfig", zh: "kubeconfig 中的客户端私钥"),
        category: "database", severity: .critical,
        keywords: ["client-key-data"],
        pattern: #"(?i)\bclient-key-data\s{0,3}:\s{0,5}["\']?LS0tLS1CRUdJTi[A-Za-z0-9+/=]{40}"#,
        secret: .afterAssignment,
        extend: "A-Za-z0-9+/=",
        examples: [
            "users:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTi" + Fake.b64(200, "kube"),
        ],
        counterExamples: [
            "    client-key-data: short",
        ]
    )
}
