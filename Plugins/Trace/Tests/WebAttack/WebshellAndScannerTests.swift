import DSToolKit
import XCTest
@testable import DSToolTrace

final class WebshellAccessTests: XCTestCase {
    func testAttacks() {
        WebTest.check(WebshellAccess.rule.id, attacks: [
            "/uploads/shell.php",
            "/wp-content/uploads/2024/01/x.php?c=id",
            "/images/avatar.jpg.php",
            "/c99.php",
            "/r57.php?act=ls",
            "/tools/b374k.php",
            "/admin/cmd.jsp?cmd=whoami",
            "/any/thing.php?cmd=uname%20-a",
            "/x.aspx?exec=ipconfig",
            "/index.php?act=FilesMan",
            "/static/css/style.php5",
            "/tmp/sess.phtml",
        ], benign: [
            "/index.php?action=details&id=5",
            "/index.php?c=list",
            "/uploads/photo.jpg",
            "/images/logo.png",
            "/admin/login.php",
            "/shell-scripting-guide",
            "/api/upload",
            "/index.php?action=upload",
        ])
    }
}

final class ScannerTests: XCTestCase {
    func testUserAgents() {
        let rule = ScannerUserAgent.rule.id
        for ua in ["sqlmap/1.7.2#stable (https://sqlmap.org)", "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)",
                   "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)", "gobuster/3.6",
                   "Fuzz Faster U Fool v2.1.0", "WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)",
                   "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Nuclei - Open-source project (github.com/projectdiscovery/nuclei)",
                   "masscan/1.3 (https://github.com/robertdavidgraham/masscan)", "Mozilla/5.0 zgrab/0.x", "Acunetix-Product"] {
            XCTAssertNotNil(WebTest.detect("GET / HTTP/1.1", agent: ua)[rule], ua)
        }
        for ua in ["curl/8.4.0", "python-requests/2.31.0", "Go-http-client/1.1", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
                   "Googlebot/2.1 (+http://www.google.com/bot.html)", "Wget/1.21"] {
            XCTAssertNil(WebTest.detect("GET / HTTP/1.1", agent: ua)[rule], ua)
        }
    }

    func testProbes() {
        WebTest.check(ScannerProbe.rule.id, attacks: [
            "/.git/config", "/.env", "/.env.production", "/.aws/credentials", "/wp-config.php.bak", "/phpmyadmin/",
            "/actuator/env", "/server-status", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/HNAP1",
            "/backup.zip", "/www.tar.gz", "/.DS_Store", "/.svn/entries", "/id_rsa",
        ], benign: [
            "/", "/index.html", "/environment/policy", "/git-tutorial", "/backups-explained", "/api/status",
            "/static/app.js", "/.well-known/security.txt",
        ])
    }
}

final class ProtocolAndUploadTests: XCTestCase {
    func testProbesAndAbuse() {
        XCTAssertEqual(WebTest.detect(#"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"#, status: 400)[WebAttackDetector.protocolProbe.id],
                       "TLS handshake sent to a plain-HTTP port")
        XCTAssertEqual(WebTest.detect("CONNECT evil.example:443 HTTP/1.1", status: 400)[WebAttackDetector.protocolProbe.id], "CONNECT (open proxy probe)")
        XCTAssertEqual(WebTest.detect("GET http://evil.example/ HTTP/1.1", status: 400)[WebAttackDetector.protocolProbe.id], "absolute URI (open proxy probe)")
        XCTAssertEqual(WebTest.detect("BLAH / HTTP/1.1", status: 405)[WebAttackDetector.protocolProbe.id], "unknown HTTP method")
        XCTAssertEqual(WebTest.detect("TRACE / HTTP/1.1")[WebAttackDetector.protocolAbuse.id], "TRACE/TRACK method (cross-site tracing)")
        XCTAssertEqual(WebTest.detect("GET /redir?u=x%0d%0aSet-Cookie:%20a=b HTTP/1.1")[WebAttackDetector.protocolAbuse.id],
                       "CR/LF in the request target (response splitting)")
        XCTAssertEqual(WebTest.detect("GET /file.php%00.jpg HTTP/1.1")[WebAttackDetector.protocolAbuse.id], "NUL byte in the request target")
        XCTAssertEqual(WebTest.detect("GET /%c0%afetc HTTP/1.1")[WebAttackDetector.protocolAbuse.id], "overlong UTF-8 encoding (filter evasion)")
        XCTAssertNotNil(WebTest.detect("GET /" + String(repeating: "a", count: 5000) + " HTTP/1.1")[WebAttackDetector.protocolAbuse.id])
        XCTAssertEqual(WebTest.detect("hello there", status: 400)[WebAttackDetector.protocolProbe.id], "malformed request line")
        for ok in ["GET / HTTP/1.1", "POST /api/items HTTP/2.0", "OPTIONS * HTTP/1.1", "HEAD /x HTTP/1.0", "PROPFIND /dav/ HTTP/1.1"] {
            let r = WebTest.detect(ok)
            XCTAssertNil(r[WebAttackDetector.protocolProbe.id], ok)
            XCTAssertNil(r[WebAttackDetector.protocolAbuse.id], ok)
        }
    }

    func testPutOfScript() {
        XCTAssertEqual(WebTest.detect("PUT /shell.jsp/ HTTP/1.1", status: 201)[WebAttackDetector.webshellUpload.id], "PUT of a server-side script")
        XCTAssertEqual(WebTest.detect("PUT /x.jsp%20 HTTP/1.1", status: 403)[WebAttackDetector.webshellUpload.id], "PUT of a server-side script (refused)")
        XCTAssertNil(WebTest.detect("PUT /api/items/3 HTTP/1.1")[WebAttackDetector.webshellUpload.id])
        XCTAssertNil(WebTest.detect("PUT /files/report.pdf HTTP/1.1")[WebAttackDetector.webshellUpload.id])
    }
}

/// Ordinary traffic raises nothing at all.
final class OrdinaryTrafficTests: XCTestCase {
    func testNoDetections() {
        let requests = [
            "GET / HTTP/1.1", "GET /index.html HTTP/1.1", "GET /favicon.ico HTTP/1.1", "GET /robots.txt HTTP/1.1",
            "GET /search?q=%22best+pizza%22+near+me HTTP/1.1", "GET /search?q=it%27s+raining+again HTTP/1.1",
            "GET /search?q=O%27Brien+%26+Sons HTTP/1.1", "GET /search?q=a+%22quoted+phrase%22+and+more HTTP/1.1",
            "GET /api/v1/users/42 HTTP/1.1", "PUT /api/v1/users/42 HTTP/1.1", "DELETE /api/v1/sessions/abc-123 HTTP/1.1",
            "GET /api/v2/orders?status=shipped&page=3&per_page=100 HTTP/1.1",
            "GET /landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale_2024&gclid=EAIaIQobChMIuLe5s9Xs_gIVFEaRBR3-5wHoEAAYASAAEgK5nvD_BwE&fbclid=IwAR2xRk8_mzLq6Zl0Bq7VYmH4iSx9xQ HTTP/1.1",
            "GET /track?data=eyJldmVudCI6InBhZ2V2aWV3IiwidXJsIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS8ifQ%3D%3D&t=1705312800 HTTP/1.1",
            "GET /static/js/app.3f9a1c.js HTTP/1.1", "GET /assets/fonts/inter.woff2 HTTP/1.1",
            "POST /login HTTP/1.1", "POST /api/upload HTTP/1.1", "GET /images/products/shoe-42.jpg HTTP/1.1",
            "GET /blog/2024/01/select-the-right-database HTTP/1.1", "GET /docs/commands/cat HTTP/1.1",
            "GET /redirect?url=https%3A%2F%2Fexample.org%2Fpage HTTP/1.1", "GET /calendar?from=2024-01-01&to=2024-01-31 HTTP/1.1",
            "GET /search?q=union+station+chicago HTTP/1.1", "GET /wiki/Script_(Unicode) HTTP/1.1",
            "GET /feed.xml?format=rss&lang=zh-CN HTTP/1.1", "GET /search?q=%E6%95%B0%E6%8D%AE%E5%AE%89%E5%85%A8 HTTP/1.1",
            "GET /a/b/c/d/e/f/g/h?x=1&y=2&z=3 HTTP/1.1", "GET /healthz HTTP/1.1", "OPTIONS /api/v1/items HTTP/1.1",
        ]
        for r in requests {
            let d = WebTest.detect(r, referer: "https://www.google.com/search?q=%E4%BD%A0%E5%A5%BD&oq=x")
            XCTAssertEqual(d, [:], r)
        }
    }
}
