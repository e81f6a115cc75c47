import DSToolKit

/// Cross-site scripting (CWE-79, ATT&CK T1189/T1190).
///
/// Rationale: reflected XSS needs markup or a script URL in a parameter: a tag that runs script
/// (`<script`, `<svg onload=`), an event-handler attribute, a `javascript:` URL, or a call that
/// proves execution (`alert(1)`, `document.cookie`). Plain angle brackets or the word "alert" in
/// a search ("red alert (film)") do not match: the handler needs '=', the call needs a literal or
/// document/window argument. HTML entities and fullwidth brackets are decoded first.
public enum CrossSiteScripting {
    public static let rule = TraceRule(
        id: "trace.web.xss", title: LocalizedText(en: "Cross-site scripting attempt", zh: "跨站脚本攻击"),
        severity: .medium, techniques: ["T1189"], tactic: .initialAccess, cwe: ["CWE-79"],
        remediation: LocalizedText(en: "Encode output by context and set a Content-Security-Policy.", zh: "按上下文对输出编码，并设置内容安全策略（CSP）。"))

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("script tag", #"<\s*/?\s*script\b"#, scope: .both),
        WebPattern("event handler in tag", #"<\s*[a-z][a-z0-9]*\b[^>]*\bon[a-z]{3,20}\s*="#, scope: .both),
        WebPattern("event handler attribute", #"['"\s/]on(error|load|mouseover|mouseenter|focus|blur|click|animationstart|toggle|pageshow|begin|start|input|wheel)\s*=\s*['"]?\s*[\w(`]"#),
        WebPattern("script url", #"(javascript|vbscript|livescript)\s*:\s*(alert|prompt|confirm|eval|document|window|location|void|fetch|this|top|self|parent|atob|string|msgbox|//|[(`'"%])"#),
        WebPattern("dangerous tag", #"<\s*(iframe|frame|object|embed|applet|svg|math|base|meta\s+http-equiv|link\s+rel|isindex|xss)\b"#),
        WebPattern("dom access", #"\bdocument\s*\.\s*(cookie|domain|write(ln)?\s*\(|location\s*=)|\bwindow\s*\.\s*(location\s*=|open\s*\()|\blocalstorage\s*\."#),
        WebPattern("proof call", #"\b(alert|prompt|confirm)\s*(\(\s*(['"`/]|\d+\s*\)|document|window|origin|this)|`)"#),
        WebPattern("string building", #"\bstring\s*\.\s*fromcharcode\s*\(|\beval\s*\(\s*(atob|unescape|string)\b"#),
        WebPattern("data url html", #"data\s*:\s*text/html|srcdoc\s*=|\bexpression\s*\(\s*[\w(]"#),
        WebPattern("tag with src", #"<\s*(img|image|video|audio|source|input)\b[^>]*\bsrc\s*="#),
    ])
}
