import DSToolKit

/// Server-side template injection (CWE-1336, ATT&CK T1190).
///
/// Rationale: SSTI is found by sending arithmetic in template delimiters (`{{7*7}}`, `${7*7}`,
/// `<%= 7*7 %>`, `#{7*7}`, `*{7*7}`) and exploited through the template's object graph
/// (`__class__.__mro__`, `__globals__`, `config.items()`, Freemarker's `Execute`, Velocity's
/// `#set`). Curly braces alone (JSON in a parameter) do not match: the delimiters must hold an
/// expression or a dunder chain.
public enum TemplateInjection {
    public static let rule = TraceRule(
        id: "trace.web.template-injection", title: LocalizedText(en: "Server-side template injection attempt", zh: "服务端模板注入攻击"),
        severity: .high, techniques: ["T1190"], tactic: .initialAccess, cwe: ["CWE-1336"],
        remediation: LocalizedText(en: "Never render user input as a template; use a sandboxed environment.", zh: "不要把用户输入作为模板渲染；使用沙箱环境。"))

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("arithmetic probe", #"(\{\{|\$\{|#\{|\*\{|<%=?|\[\[|\{%\s*print)\s*\d+\s*[*+\-/]\s*['"]?\d+['"]?\s*(\}\}|\}|%>|\]\]|%\})"#, scope: .both),
        WebPattern("python object graph", #"__(class|mro|subclasses|globals|builtins|init|base|import)__"#, scope: .both),
        WebPattern("jinja globals", #"\{\{[^}]*\b(config|self|request|lipsum|cycler|joiner|namespace|url_for|get_flashed_messages)\b[^}]*\}\}"#),
        WebPattern("template statement", #"\{%\s*(import|include|set|for|if|extends|block|macro)\b|\{php\}|\{\{\s*_self\.env|#set\s*\(\s*\$|\$class\.inspect"#),
        WebPattern("freemarker execute", #"freemarker\.template\.utility\.(execute|objectconstructor)|\?new\s*\(\s*\)"#),
    ])
}
