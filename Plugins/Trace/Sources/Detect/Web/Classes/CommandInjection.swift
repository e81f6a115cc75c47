import DSToolKit

/// OS command injection (CWE-78, ATT&CK T1190, T1059.004).
///
/// Rationale: to run a command through a parameter the attacker must end the intended command
/// (`;`, `|`, `&&`, a newline, backticks or `$(...)`) and then name a program — usually one of a
/// short list (id, whoami, uname, cat, wget, curl, nc, bash, ping, sleep ...). A lone '&' is the
/// query-string separator (`&id=5`), so it does not count as a separator. Reverse shells and
/// downloaders (`bash -i >& /dev/tcp/`, `wget http://x/y.sh`, `nc -e`) and Shellshock's
/// `() { :; };` (also in headers) are matched on their own.
public enum CommandInjection {
    public static let rule = TraceRule(
        id: "trace.web.command-injection", title: LocalizedText(en: "OS command injection attempt", zh: "操作系统命令注入攻击"),
        severity: .high, techniques: ["T1190", "T1059.004"], tactic: .execution, cwe: ["CWE-78"],
        remediation: LocalizedText(en: "Never build shell commands from request values; use argument arrays and allow-lists.",
                                   zh: "不要用请求参数拼接 shell 命令；使用参数数组与白名单。"))

    static let programs = "id|whoami|uname|ifconfig|ipconfig|hostname|pwd|ls|dir|cat|type|more|head|tail|wget|curl|fetch|nc|ncat|netcat|bash|sh|zsh|ksh|dash|python[23]?|perl|php|ruby|lua|ping|nslookup|dig|host|sleep|echo|printf|chmod|chown|rm|mkfifo|touch|cp|mv|tftp|ftp|telnet|ssh|powershell|pwsh|cmd|net|whoami\\.exe|systeminfo|tasklist|netstat|ps|env|set|export|base64|xxd|busybox|crontab|useradd|passwd|kill|killall|nohup|setsid"

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("separator then command", #"(?:[;|\n`]|&&|\$\(|\|\|)\s*(?:/(?:usr/)?s?bin/)?(?:"# + programs + #")(?:\s|$|[;|&`)<>'"$]|\.exe\b)"#),
        WebPattern("downloader", #"\b(wget|curl|fetch|tftp)\s+(-{1,2}[\w-]+\s+[^\s]*\s*)*(https?|ftp|tftp)://"#, scope: .both),
        WebPattern("reverse shell", #"/dev/(tcp|udp)/[\w.\-]+/\d+|\b(nc|ncat|netcat)\s+(-\w+\s+)*[\w.\-]+\s+\d+\s*(-e|\||$)|\bnc\s+-[elc]\b|\bbash\s+-i\b|\bsocat\s+\w+:|\bmkfifo\s+/tmp/"#, scope: .both),
        WebPattern("shell invocation", #"/bin/(ba|z|k|da)?sh\b|\b(ba)?sh\s+-c\s|\bcmd(\.exe)?\s+/[ck]\s|\bpowershell(\.exe)?\s+(-\w+\s+)*-(e|enc|encodedcommand|c|command|nop|w)\b"#, scope: .both),
        WebPattern("ifs evasion", #"\$\{ifs\}|\$ifs\$9|\{(cat|ls|id|wget|curl),"#),
        WebPattern("shellshock", #"\(\s*\)\s*\{\s*[:\w]*\s*;\s*\}\s*;"#, scope: .both),
        WebPattern("backtick command", #"`\s*(id|whoami|uname|cat|ls|wget|curl|sleep|ping|nslookup)\b[^`]*`"#),
        WebPattern("file read via command", #"[;|`]\s*(cat|more|less|head|tail|nl|tac|od|strings)\s+[\w/.\-]*(/etc/|passwd|shadow|\.ssh|flag)"#),
        WebPattern("windows utility abuse", #"\b(certutil(\.exe)?\s+-urlcache|bitsadmin(\.exe)?\s+/transfer|mshta(\.exe)?\s+https?://|regsvr32(\.exe)?\s+/s\s+/n|rundll32(\.exe)?\s+\w+\.dll)"#, scope: .both),
    ])
}
