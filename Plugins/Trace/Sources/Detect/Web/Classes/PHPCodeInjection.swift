import DSToolKit

/// PHP code injection (CWE-94, ATT&CK T1190, T1059).
///
/// Rationale: injected PHP must reach an evaluator with code: an opening tag, a call to an
/// execution or decoding function with a code-like argument (a quote, a variable, a backtick), a
/// superglobal, or a php.ini override (allow_url_include, auto_prepend_file) as used against
/// PHP-CGI. Scanners' probes print a hash (`die(md5(...))`), which is included. "system (the
/// word) (with brackets)" in a search is not, because the argument must look like code.
public enum PHPCodeInjection {
    public static let rule = TraceRule(
        id: "trace.web.php-injection", title: LocalizedText(en: "PHP code injection attempt", zh: "PHP 代码注入攻击"),
        severity: .high, techniques: ["T1190", "T1059"], tactic: .execution, cwe: ["CWE-94"],
        remediation: LocalizedText(en: "Never pass request data to eval/assert/include; disable dangerous functions in php.ini.",
                                   zh: "不要把请求数据传入 eval/assert/include；在 php.ini 中禁用危险函数。"))

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("php open tag", #"<\?(php\b|=)"#, scope: .both),
        WebPattern("code execution call", #"\b(eval|assert|system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec|create_function|call_user_func(_array)?|array_map|usort|preg_replace|include(_once)?|require(_once)?)\s*\(\s*(['"`$]|base64_decode|gzinflate|str_rot13|chr\(|\$_)"#, scope: .both),
        WebPattern("decoder chain", #"\b(base64_decode|gzinflate|gzuncompress|str_rot13|hex2bin)\s*\(\s*(['"$]|base64_decode|gzinflate|str_rot13)"#),
        WebPattern("superglobal", #"\$_(get|post|request|cookie|server|files|env)\s*\["#, scope: .both),
        WebPattern("ini override", #"\b(allow_url_include|auto_prepend_file|auto_append_file|disable_functions|open_basedir)\s*=|-d\s+(allow_url_include|auto_prepend_file)"#),
        WebPattern("scanner probe", #"\b(die|print|echo|var_dump)\s*\(\s*@?(md5|sha1|crc32)\s*\(|\bphpinfo\s*\(\s*\)|\bfile_put_contents\s*\(\s*['"$]"#),
        WebPattern("callback smuggling", #"\$\{\s*@?(print|eval|system|assert)\s*\(|\{\$\{\s*@?(print|eval|system)"#),
    ])
}
