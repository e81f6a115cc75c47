import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let ansiblePassword = SecretRule(
        id: "ansible-password",
        title: LocalizedText(en: "Ansible connection or become password", zh: "Ansible 连接/提权口令"),
        category: "database", severity: .high,
        keywords: ["ansible_"],
        pattern: #"(?i)ansible_(?:ssh_|become_)?pass(?:word)?["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[^\s"\'{$]{4}"#,
        secret: .afterAssignment,
        extend: "^ \t\r\n\"'",
        examples: [
            "ansible_become_pass=" + Fake.alnum(12, "ansible"),
        ],
        counterExamples: [
            "ansible_become_pass={{ vault_become_pass }}",
        ]
    )
}
