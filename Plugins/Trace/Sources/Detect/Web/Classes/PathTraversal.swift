import DSToolKit

/// Path traversal and local file inclusion (CWE-22, CWE-98, ATT&CK T1190).
///
/// Rationale: reading files outside the web root needs either `../` climbing (twice, or once
/// toward a system folder — a single `../` occurs in some relative links), an absolute path to a
/// file every attacker asks for (/etc/passwd, win.ini, /proc/self/environ), or a PHP/stream
/// wrapper (php://filter, data://, expect://). Backslashes, overlong UTF-8 (%c0%ae) and repeated
/// encodings are decoded first, so `..%252f` and `..\..\` are caught.
public enum PathTraversal {
    public static let rule = TraceRule(
        id: "trace.web.path-traversal", title: LocalizedText(en: "Path traversal / local file inclusion attempt", zh: "路径遍历/本地文件包含攻击"),
        severity: .high, techniques: ["T1190", "T1083"], tactic: .initialAccess, cwe: ["CWE-22", "CWE-98"],
        remediation: LocalizedText(en: "Resolve paths and check they stay under the allowed folder; never pass request values to include/require.",
                                   zh: "规范化路径并校验其位于允许目录内；不要把请求参数传入 include/require。"))

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("repeated ../", #"(\.\.[/\\;]){2,}|[/\\]\.\.[/\\]\.\.(?:[/\\]|$)"#),
        WebPattern("../ to system folder", #"\.\.[/\\]+(etc|proc|windows|winnt|boot|root|var|usr|home|sys|dev|tmp|inetpub)\b"#),
        WebPattern("unix system file", #"/etc/(passwd|shadow|group|hosts|issue|crontab|sudoers|hostname|resolv\.conf|ssh/sshd_config|mysql/my\.cnf)\b|/proc/(self|\d+)/(environ|cmdline|fd|maps|status)\b|/\.ssh/(id_[rd]sa|authorized_keys)|/root/\.bash_history"#),
        WebPattern("windows system file", #"(c:)?[/\\](windows|winnt)[/\\](win\.ini|system\.ini|system32[/\\])|\bboot\.ini\b|[/\\]inetpub[/\\]"#),
        WebPattern("application secret file", #"\.\.[/\\]+[\w/\\.\-]*(web-inf[/\\]web\.xml|wp-config\.php|\.htpasswd|\.env\b|config\.php|settings\.py|application\.properties|database\.yml)|/web-inf/web\.xml|/\.htpasswd\b"#),
        WebPattern("stream wrapper", #"\b(php://(filter|input|fd|memory|temp)|data://text/|data:text/plain;base64|expect://|zip://|phar://|glob://|compress\.zlib://|file:///)"#),
        WebPattern("log poisoning target", #"/var/log/(apache2?|httpd|nginx)/(access|error)[._]log|/proc/self/fd/\d"#),
    ])
}
