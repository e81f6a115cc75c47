import DSToolKit

/// JNDI lookup injection, Log4Shell (CVE-2021-44228, CWE-917, ATT&CK T1190).
///
/// Rationale: Log4j 2 evaluated `${jndi:ldap://host/x}` anywhere in a logged string — in the
/// URL, the User-Agent, the Referer, any header. Attackers hide the word with nested lookups
/// (`${${lower:j}ndi:`, `${${::-j}${::-n}${::-d}${::-i}:`, `${${env:X:-j}ndi`); those are resolved
/// before matching, so one signature covers them. Any remaining nested `${${` is itself a sign of
/// obfuscation, as no legitimate request needs it.
public enum JNDIInjection {
    public static let rule = TraceRule(
        id: "trace.web.jndi", title: LocalizedText(en: "JNDI / Log4Shell injection attempt", zh: "JNDI/Log4Shell 注入攻击"),
        severity: .critical, techniques: ["T1190", "T1203"], tactic: .initialAccess, cwe: ["CWE-917"],
        references: ["CVE-2021-44228", "CVE-2021-45046"])

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("jndi lookup", #"\$\{\s*jndi\s*:\s*(ldaps?|rmi|dns|iiop|corba|nds|nis|https?)\s*:"#, scope: .both),
        WebPattern("jndi lookup (other scheme)", #"\$\{\s*jndi\s*:"#, scope: .both),
        WebPattern("nested lookup obfuscation", #"\$\{\s*(\$\{|(lower|upper|env|sys|date|::-)\s*:)"#, scope: .both),
    ])
}
