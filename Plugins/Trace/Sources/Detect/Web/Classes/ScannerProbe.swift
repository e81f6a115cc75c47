import DSToolKit

/// Reconnaissance probes for files that should never be served (ATT&CK T1595.003).
///
/// Rationale: scanners request the same short list of secrets and admin endpoints on every host:
/// version-control folders, .env files, cloud credentials, backup archives of the web root,
/// database admin tools, framework debug endpoints, router exploits (HNAP1, boaform). A site
/// never links to them, so one request is already a probe. Login pages that a site may really
/// have (wp-login.php) are not listed; brute force against them is a correlation rule instead.
public enum ScannerProbe {
    public static let rule = TraceRule(
        id: "trace.web.recon-probe", title: LocalizedText(en: "Probe for sensitive files or admin endpoints", zh: "敏感文件或管理入口探测"),
        severity: .low, techniques: ["T1595.003"], tactic: .reconnaissance)

    public static let definition = WebAttackClass(rule: rule, patterns: [
        WebPattern("version control folder", #"/\.(git|svn|hg|bzr)(/|$)"#),
        WebPattern("environment or credentials file", #"/\.(env|aws/credentials|docker/config\.json|npmrc|pypirc|netrc|htpasswd|git-credentials|bash_history|ds_store)(\.|$|\?|/)|/(id_rsa|id_dsa|id_ecdsa|id_ed25519)(\.pub)?$"#),
        WebPattern("config backup", #"/(wp-config|config|configuration|settings|database|db|web)\.(php|inc|yml|yaml|json|xml|ini)[.~_-]*(bak|old|orig|save|swp|backup|txt|dist|1)$"#),
        WebPattern("database admin tool", #"/(phpmyadmin|pma|myadmin|mysqladmin|phpmy|dbadmin|sqladmin|adminer(\.php)?|pgadmin)(/|$|\?)"#),
        WebPattern("framework debug endpoint", #"/(actuator/(env|heapdump|jolokia|gateway)|jmx-console|web-console|invoker/jmxinvokerservlet|_ignition/execute-solution|telescope/requests|_profiler|debug/default/view|server-status|server-info|elmah\.axd|trace\.axd|console/login/loginform\.jsp|manager/html|host-manager|solr/admin|_cat/indices|_all_dbs)"#),
        WebPattern("known exploit path", #"/(hnap1|boaform/admin|cgi-bin/(luci|;|\.%2e)|vendor/phpunit/phpunit/src/util/php/eval-stdin\.php|wls-wsat/coordinatorporttype|_async/asyncresponseservice|setup\.cgi\?next_file=netgear|gponform/diag_form|goform/set|tmui/login\.jsp|remote/fgt_lang|mgmt/tm/util/bash|autodiscover/autodiscover\.json|owa/auth/x\.js|\.well-known/acme-challenge/\.\.)"#),
        WebPattern("web root backup", #"/(backup|backups|www|wwwroot|site|web|htdocs|public_html|html|db|database|dump|sql)\.(zip|tar|tar\.gz|tgz|rar|7z|sql|sql\.gz|bak)$"#),
    ])
}
