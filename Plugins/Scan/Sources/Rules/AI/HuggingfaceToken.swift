import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let huggingfaceToken = SecretRule(
        id: "huggingface-token",
        title: LocalizedText(en: "Hugging Face access token", zh: "Hugging Face 访问令牌"),
        category: "ai", severity: .high,
        keywords: ["hf_"],
        pattern: #"\bhf_[A-Za-z]{34}\b"#,
        examples: [
            "HF_TOKEN=hf_" + Fake.chars(Fake.upper + Fake.lower, 34, "hf"),
        ],
        counterExamples: [
            "hf_short",
        ]
    )
}
