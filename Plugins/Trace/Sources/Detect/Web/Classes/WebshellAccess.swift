import DSToolKit

/// Webshell access (ATT&CK T1505.003, CWE-434).
///
/// Rationale: a webshell is a script the attacker planted; using it shows up as requests to
/// (1) a known webshell file name (c99, r57, wso, b374k, alfa, FilesMan...), (2) a server-side
/// script inside a folder that should only hold uploads or static files (uploads/, images/,
/// static/, wp-content/uploads/ ...), or (3) any script called with a command parameter
/// (cmd=, exec=, command=) — the classic one-liner shell. Uploads of such scripts are caught by
/// the webshell-upload check in code (a PUT of a script, or an upload followed by access).
public enum WebshellAccess {
    public static let rule = TraceRule(
        id: "trace.web.webshell", title: LocalizedText(en: "Webshell access", zh: "WebShell 访问"),
        severity: .critical, techniques: ["T1505.003"], tactic: .persistence, cwe: ["CWE-434"],
        remediation: LocalizedText(en: "Take the file (keep a copy as evidence), find how it was written, rotate credentials on the host.",
                                   zh: "下线该文件（留存证据副本），排查写入途径，轮换主机凭据。"))

    static let scriptExt = "(php[3-8]?|phtml|phar|pht|jsp|jspx|jspf|asp|aspx|ashx|asmx|cer|asa|cfm|cgi|pl)"

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("known webshell name", #"/(c99|c100|r57|r58|wso|wso2|b374k|alfa|alfa-?shell|webshell|web-shell|sh3ll|phpspy|indoxploit|priv8|0byte|angel|chopper|caidao|godzilla|behinder|antsword|k8cmd|cmdasp|jspspy|shell|cmd|cmdjsp|hacked|r00t|minishell|filesman|adminer-\d)\d*\."# + scriptExt + #"(\?|$)"#),
        WebPattern("script in upload folder", #"/(uploads?|uploaded|upfiles?|images?|img|pics?|pictures|photos?|files|attachments?|media|static|assets|css|js|fonts|tmp|temp|cache|avatars?|wp-content/uploads|userfiles|resources)/[^?]*\."# + scriptExt + #"(\?|$)"#),
        WebPattern("command parameter", #"\."# + scriptExt + #"\?([^#]*&)?(cmd|exec|command|execute|shell|cmdline|run|c|x|e|pass)=\s*(id|whoami|uname|ls|dir|cat|wget|curl|echo|ipconfig|ifconfig|net\s+user|pwd|ps|netstat|system\s*\(|passthru\s*\(|eval\s*\(|base64_decode|cmd(\.exe)?|powershell|bash|sh)\b"#),
        WebPattern("webshell parameter", #"[?&](act|action)=(filesman|bruteforce|safemode|eval|cmd)\b|[?&]z0=[a-z0-9+/]{8}|[?&]pass=[^&]*&(cmd|z0)="#),
    ])
}
