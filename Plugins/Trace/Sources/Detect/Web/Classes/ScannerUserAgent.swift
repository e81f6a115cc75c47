import DSToolKit

/// Scanners and fuzzers identified by their User-Agent (ATT&CK T1595.002).
///
/// Rationale: attack tools announce themselves by default (sqlmap, Nikto, Nuclei, WPScan,
/// gobuster, ffuf, Acunetix ...) and many operators never change it. Generic HTTP libraries
/// (curl, python-requests, Go-http-client) are used by legitimate automation every day and are
/// deliberately not listed: they would drown the report.
public enum ScannerUserAgent {
    public static let rule = TraceRule(
        id: "trace.web.scanner-ua", title: LocalizedText(en: "Attack tool or vulnerability scanner (User-Agent)", zh: "攻击工具或漏洞扫描器（User-Agent）"),
        severity: .medium, techniques: ["T1595.002"], tactic: .reconnaissance)

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("sql injection tool", #"\b(sqlmap|havij|pangolin|sqlninja|bsqlbf|jsql|ghauri)\b"#, scope: .header),
        WebPattern("web vulnerability scanner", #"\b(nikto|acunetix|netsparker|invicti|appscan|webinspect|w3af|skipfish|arachni|openvas|nessus|qualys|nuclei|jaeles|xray|wapiti|zaproxy|owasp zap|burp ?suite|burpcollaborator|qualysguard|rapid7|nexpose)\b"#, scope: .header),
        WebPattern("content discovery tool", #"\b(dirbuster|dirb|gobuster|feroxbuster|ffuf|fuzz faster u fool|wfuzz|dirsearch|gospider|hakrawler)\b"#, scope: .header),
        WebPattern("cms scanner", #"\b(wpscan|joomscan|droopescan|cmsmap|whatweb|wappalyzer-scan)\b"#, scope: .header),
        WebPattern("network scanner", #"\b(nmap scripting engine|nmap nse|masscan|zgrab|zmap|zmeu|morfeus|muieblackcat|l9explore|l9tcpid)\b"#, scope: .header),
        WebPattern("exploitation tool", #"\b(commix|metasploit|hydra|medusa|brutus|thc-|struts-pwn|log4j-scan|interactsh|ysoserial)\b"#, scope: .header),
    ])
}
