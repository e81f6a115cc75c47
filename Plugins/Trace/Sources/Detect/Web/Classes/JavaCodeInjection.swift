import DSToolKit

/// Java code / expression-language injection and deserialization (CWE-917, CWE-502, ATT&CK T1190).
///
/// Rationale: Java RCE through a web parameter goes through an expression language (OGNL in
/// Struts, SpEL in Spring, EL) or class-loader property binding (Spring4Shell), and always names
/// Java runtime classes (java.lang.Runtime, ProcessBuilder) or OGNL internals (#_memberAccess,
/// #context). Serialized Java objects start with the bytes AC ED 00 05 (`rO0AB` in base64).
/// None of these occur in ordinary parameters.
public enum JavaCodeInjection {
    public static let rule = TraceRule(
        id: "trace.web.java-injection", title: LocalizedText(en: "Java code / expression injection attempt", zh: "Java 代码/表达式注入攻击"),
        severity: .high, techniques: ["T1190", "T1059"], tactic: .execution, cwe: ["CWE-917", "CWE-502"],
        remediation: LocalizedText(en: "Patch the framework (Struts, Spring); never evaluate expressions or deserialize objects from requests.",
                                   zh: "升级框架（Struts、Spring）；不要对请求数据求值或反序列化。"))

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("java runtime class", #"\bjava\.lang\.(runtime|processbuilder|system|reflect|class)\b|getruntime\s*\(\s*\)\s*\.\s*exec|\bnew\s+java\.(io|net|lang)\."#, scope: .both),
        WebPattern("ognl", #"\(#_memberaccess|#context\s*\[|@ognl\.ognlcontext|#_memberaccess|%\{\s*\(#|\$\{\s*#|xwork2\.dispatcher|#application\s*\[|@java\.lang\."#, scope: .both),
        WebPattern("spel", #"\bt\s*\(\s*java\.lang\.|\bnew\s+java\.lang\.processbuilder|\.getclass\s*\(\s*\)\s*\.forname"#, scope: .both),
        WebPattern("class loader binding", #"\bclass\.(module\.)?classloader\b|\bclass\[\s*['"]?classloader|\.classloader\.resources\.context"#),
        WebPattern("serialized object", #"\bro0ab|\baced0005|org\.apache\.commons\.collections\.functors|ysoserial|java\.beans\.xmldecoder"#, scope: .both),
        WebPattern("script engine", #"javax\.script\.scriptenginemanager|\bnashorn\b.*\beval\b"#),
    ])
}
