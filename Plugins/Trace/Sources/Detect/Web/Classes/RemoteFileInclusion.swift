import DSToolKit

/// Remote file inclusion (CWE-98, ATT&CK T1190).
///
/// Rationale: RFI passes a remote URL to a parameter the application includes as code: the
/// parameter names are the include-style ones (page, file, include, template, ...) and the URL
/// usually ends in '?' or '%00' to cut off the extension the application appends, or points at a
/// text/image file holding code. Redirect parameters (url=, next=, return=) carry URLs legitimately
/// and are not in the list.
public enum RemoteFileInclusion {
    public static let rule = TraceRule(
        id: "trace.web.rfi", title: LocalizedText(en: "Remote file inclusion attempt", zh: "远程文件包含攻击"),
        severity: .high, techniques: ["T1190", "T1105"], tactic: .initialAccess, cwe: ["CWE-98"],
        remediation: LocalizedText(en: "Disable allow_url_include; include only from a fixed list.", zh: "关闭 allow_url_include；仅允许包含白名单中的文件。"))

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("include parameter with remote url", #"[?&](page|file|filename|include|inc|template|tpl|require|load|mod|module|lang|language|dir|path|folder|root|style|layout|conf|config|view|content|cat|doc|document)=\s*(https?|ftps?|smb)://"#),
        WebPattern("remote url cut with ?", #"=\s*(https?|ftp)://[^&\s]+\?{1,2}(&|$)"#),
        WebPattern("remote code file", #"=\s*(https?|ftp)://[^&\s]+\.(txt|jpg|gif|png)\?"#),
    ])
}
