import DSToolKit
import XCTest
@testable import DSToolTrace

final class PathTraversalTests: XCTestCase {
    func testAttacks() {
        WebTest.check(PathTraversal.rule.id, attacks: [
            "/download?file=../../../../etc/passwd",
            "/download?file=..%2f..%2f..%2fetc%2fpasswd",
            "/download?file=..%252f..%252f..%252fetc%252fpasswd",
            "/download?file=%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
            "/download?file=..\\..\\..\\windows\\win.ini",
            "/static/..%5c..%5cwindows%5csystem32%5cdrivers",
            "/index.php?page=php://filter/convert.base64-encode/resource=index",
            "/index.php?page=data://text/plain;base64,PD9waHAgc3lzdGVtKCRfR0VUWydjJ10pOz8+",
            "/index.php?page=expect://id",
            "/index.php?page=/proc/self/environ",
            "/view?f=....//....//etc/shadow",
            "/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh",
            "/p?file=../WEB-INF/web.xml",
            "/p?file=file:///etc/hosts",
            "/p?log=/var/log/apache2/access.log",
            "/p?f=../../wp-config.php",
        ], benign: [
            "/docs/../images/logo.png",
            "/assets/app.js?v=1.2.3",
            "/etc/info/about-us",
            "/blog/understanding-passwd-files",
            "/api/v1/files/report.pdf",
            "/config.php",
            "/windows-10-tips",
        ])
    }
}
