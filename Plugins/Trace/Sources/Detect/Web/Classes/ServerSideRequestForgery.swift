import DSToolKit

/// Server-side request forgery (CWE-918, ATT&CK T1190, T1552.005).
///
/// Rationale: SSRF makes the server fetch a URL the attacker chooses; it is only dangerous (and
/// only worth alerting on) when that URL points inward: loopback, private ranges, link-local
/// cloud metadata (169.254.169.254, metadata.google.internal), numeric IP spellings (2130706433,
/// 0x7f000001), or non-HTTP schemes that talk to internal services (gopher://, dict://, ldap://).
/// A parameter carrying an ordinary public URL (a redirect target, a share link) does not match.
public enum ServerSideRequestForgery {
    public static let rule = TraceRule(
        id: "trace.web.ssrf", title: LocalizedText(en: "Server-side request forgery attempt", zh: "服务端请求伪造（SSRF）攻击"),
        severity: .high, techniques: ["T1190", "T1552.005"], tactic: .initialAccess, cwe: ["CWE-918"],
        remediation: LocalizedText(en: "Allow-list outbound destinations; block link-local and private ranges; require IMDSv2.",
                                   zh: "对外发请求目标使用白名单；禁止访问链路本地与内网地址；启用 IMDSv2。"))

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("cloud metadata", #"169\.254\.169\.254|\bmetadata\.google\.internal|\b100\.100\.100\.200\b|\bfd00:ec2::254|/latest/meta-data/|/computemetadata/v1"#),
        WebPattern("internal url in parameter", #"=\s*(https?|ftp)://(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|0+\b|\[::1?\]|\[0:0:0:0:0:(0|ffff):|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|[\w.\-]*\.(internal|local|localdomain|intranet|corp)\b)"#),
        WebPattern("numeric ip spelling", #"=\s*(https?|ftp)://(0x[0-9a-f]{8}|\d{8,10}|0[0-7]{3,}\.|0x[0-9a-f]{1,2}\.)"#),
        WebPattern("internal-service scheme", #"(=|^|/)\s*(gopher|dict|ldap|tftp|jar|netdoc|sftp)://"#),
        WebPattern("redirect to internal", #"=\s*https?://[^/&]*@(localhost|127\.|10\.|192\.168\.|169\.254\.)"#),
    ])
}
