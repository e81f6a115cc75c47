import DSToolKit

/// SQL injection (CWE-89, ATT&CK T1190).
///
/// Rationale: an injection has to (1) break out of a string or number context — a quote or
/// bracket followed by a boolean operator or a comment — and then (2) use SQL that ordinary
/// parameters never contain: UNION SELECT, stacked statements, time delays, error-based
/// functions, system catalogues. Each signature needs one of those shapes, not just SQL words:
/// a search for "select your plan" or "union square" or a name like O'Reilly must not match.
/// Comments are stripped first (UN/**/ION), so spacing tricks collapse to the canonical form.
public enum SQLInjection {
    public static let rule = TraceRule(
        id: "trace.web.sqli", title: LocalizedText(en: "SQL injection attempt", zh: "SQL 注入攻击"),
        severity: .high, techniques: ["T1190"], tactic: .initialAccess, cwe: ["CWE-89"],
        remediation: LocalizedText(en: "Use parameterized queries; check whether the response leaked data (status, size).",
                                   zh: "使用参数化查询；根据响应状态与大小判断是否泄露数据。"))

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("union select", #"\bunion(\s+(all|distinct))?[\s(]*select\b"#, scope: .both),
        WebPattern("quote then boolean", #"['"`)]\s*(or|and|xor|\|\||&&)\s+[\w'"(]{1,20}\s*(=|<|>|<>|!=|\blike\b|\bis\b)"#, scope: .both),
        WebPattern("quote then tautology", #"['"`)]\s*(or|\|\|)\s*['"]?\w+['"]?\s*=\s*['"]?\w+"#),
        WebPattern("numeric tautology", #"\b(or|and)\s+(\d+)\s*=\s*\d+\s*(--|#|/\*|;|$|\))"#),
        WebPattern("comment after quote", #"['"`]\s*\)?\s*(--([\s\-&;]|$)|#|;\s*--)"#),
        WebPattern("time delay", #"\b(sleep|pg_sleep)\s*\(\s*\d+(\.\d+)?\s*\)|\bbenchmark\s*\(\s*\d+\s*,|\bwaitfor\s+delay\s+'|\bdbms_pipe\.receive_message\s*\("#, scope: .both),
        WebPattern("stacked statement", #";\s*(drop|truncate|alter|create|insert|update|delete|exec|execute|declare|shutdown)\s+(table|database|into|from|user|procedure|@|\w+\s*\(|xp_)"#),
        WebPattern("catalogue access", #"\b(information_schema\.|mysql\.user\b|pg_catalog\.|pg_shadow|sys\.objects|sysobjects|sqlite_master|all_tables\b|dba_users)"#, scope: .both),
        WebPattern("error-based function", #"\b(extractvalue|updatexml|exp\(~|geometrycollection|multipoint|polygon|floor\(rand\()\s*\("#),
        WebPattern("file function", #"\b(load_file\s*\(|into\s+(out|dump)file\b)"#),
        WebPattern("system procedure", #"\b(xp_cmdshell|sp_executesql|sp_oacreate|sp_configure|utl_http\.request|utl_inaddr)\b"#),
        WebPattern("order by probing", #"\border\s+by\s+\d+\s*(--|#|/\*|$)"#),
        WebPattern("version probing", #"@@(version|datadir|hostname|basedir)\b|\bversion\s*\(\s*\)\s*(--|#|,|\))"#),
        WebPattern("char concatenation", #"\b(char|chr|concat|concat_ws|group_concat)\s*\(\s*(0x[0-9a-f]+|\d+\s*,\s*\d+|['"]?\s*\w+\s*['"]?\s*,\s*(0x|@@|user\(|database\())"#),
        WebPattern("conditional blind", #"\b(if|case\s+when)\s*\(?\s*\(?\s*(ascii|substring|substr|mid|length)\s*\("#),
        WebPattern("select from", #"\bselect\s+(\*|[\w.`]+\s*,|\w+\s*\(|@@|distinct\b|top\s+\d)[^;]*\bfrom\s+[\w.`\[\]]+|\bselect\s+[\w.`]+\s+from\s+[\w.`]+\s+where\b"#),
    ])
}
