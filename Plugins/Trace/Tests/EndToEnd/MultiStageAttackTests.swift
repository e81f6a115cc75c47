import DSToolKit
import XCTest
@testable import DSToolTrace

/// A generated multi-stage attack hidden in ordinary traffic — scan, SQL injection, webshell
/// upload and use, privilege escalation on the host, database dump download — is reconstructed
/// with the right source, the stages in kill-chain order and the ATT&CK techniques.
final class MultiStageAttackTests: XCTestCase {
    static let attacker = "203.0.113.66"

    /// Deterministic pseudo-random numbers (the test must not depend on the run).
    struct LCG { var s: UInt64; mutating func next(_ n: Int) -> Int { s = s &* 6364136223846793005 &+ 1442695040888963407; return Int((s >> 33) % UInt64(n)) } }

    static func stamp(_ sec: Int) -> String { String(format: "15/Jan/2024:%02d:%02d:%02d +0800", 9 + sec / 3600, sec % 3600 / 60, sec % 60) }

    static func logs() -> (access: String, auth: String) {
        var rng = LCG(s: 42)
        let clients = (0..<40).map { "198.51.100.\($0 + 10)" }
        let pages = ["/", "/products", "/products/12", "/cart", "/search?q=%22red+shoes%22", "/api/v1/orders?page=2", "/static/app.js",
                     "/images/logo.png", "/blog/it%27s-new", "/login"]
        var lines: [(Int, String)] = []
        for i in 0..<3000 {
            let t = i * 3   // 09:00 → 11:30
            let ip = clients[rng.next(clients.count)]
            let p = pages[rng.next(pages.count)]
            lines.append((t, accessLine(ip, request: "GET \(p) HTTP/1.1", time: stamp(t), status: rng.next(20) == 0 ? 404 : 200, bytes: 1000 + rng.next(50000))))
        }
        let a = attacker
        let nikto = "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)"
        let probes = ["/.git/config", "/.env", "/phpmyadmin/", "/wp-config.php.bak", "/server-status", "/admin/", "/backup.zip", "/test.php",
                      "/cgi-bin/printenv", "/HNAP1", "/config.json", "/old/", "/.svn/entries", "/install.php", "/debug", "/db/", "/logs/",
                      "/tmp/", "/console", "/actuator/env", "/jmx-console", "/manager/html", "/solr/", "/shell", "/x"]
        for (k, p) in probes.enumerated() { lines.append((3600 + k, accessLine(a, request: "GET \(p) HTTP/1.1", time: stamp(3600 + k), status: 404, bytes: 153, agent: nikto))) }
        let sqli = ["/products?id=12%27%20or%20%271%27%3D%271", "/products?id=12%20union%20select%20username,password%20from%20users--",
                    "/products?id=12%20and%20sleep(5)"]
        for (k, p) in sqli.enumerated() { lines.append((3900 + k * 10, accessLine(a, request: "GET \(p) HTTP/1.1", time: stamp(3900 + k * 10), bytes: 8000))) }
        lines.append((4200, accessLine(a, request: "POST /admin/upload.php HTTP/1.1", time: stamp(4200), bytes: 80)))
        lines.append((4260, accessLine(a, request: "GET /uploads/img/thumb.php?cmd=id HTTP/1.1", time: stamp(4260), bytes: 54)))
        lines.append((4270, accessLine(a, request: "GET /uploads/img/thumb.php?cmd=uname%20-a HTTP/1.1", time: stamp(4270), bytes: 102)))
        lines.append((5400, accessLine(a, request: "GET /backup/site-db-2024-01-14.sql.gz HTTP/1.1", time: stamp(5400), bytes: 314_572_800)))
        let access = lines.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: "\n") + "\n"
        let auth = [
            "Jan 15 09:30:00 web1 sshd[700]: Accepted publickey for deploy from 198.51.100.200 port 50000 ssh2",
            "Jan 15 09:30:00 web1 sshd[700]: pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)",
            "Jan 15 09:31:00 web1 sudo:   deploy : TTY=pts/0 ; PWD=/srv ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx",
            "Jan 15 09:40:00 web1 sshd[700]: pam_unix(sshd:session): session closed for user deploy",
            "Jan 15 10:15:00 web1 sudo: www-data : TTY=unknown ; PWD=/var/www/html/uploads/img ; USER=root ; COMMAND=/bin/bash",
            "Jan 15 10:15:30 web1 useradd[9001]: new user: name=sysupd, UID=0, GID=0, home=/root, shell=/bin/bash, from=none",
        ].joined(separator: "\n") + "\n"
        return (access, auth)
    }

    func testReconstruction() throws {
        var config = TraceConfig()
        config.zone = ZoneResolver.parse("Asia/Shanghai")!
        let (access, auth) = MultiStageAttackTests.logs()
        let r = try runEngine([("access.log", access), ("auth.log", auth)], config: config)
        XCTAssertEqual(r.errors.map(\.reason), [])
        let top = try XCTUnwrap(r.result.profiles.first)
        XCTAssertEqual(top.source, MultiStageAttackTests.attacker)
        // Nothing else is a suspect: the deploy user's sudo is a low finding of its own source.
        XCTAssertTrue(r.result.profiles.dropFirst().allSatisfy { $0.score < top.score / 3 }, r.result.profiles.map { "\($0.source) \($0.score)" }.joined(separator: ", "))
        let order = top.stages.map(\.tactic)
        XCTAssertEqual(order, [.reconnaissance, .initialAccess, .persistence, .privilegeEscalation, .exfiltration])
        // Each stage began after the one before: the kill chain is also the order of events.
        let firsts = top.stages.map(\.first)
        XCTAssertEqual(firsts, firsts.sorted())
        XCTAssertEqual(CivilTime.isoString(micros: top.stages[0].first), "2024-01-15T02:00:00Z")   // 10:00 +08:00
        for t in ["T1595.002", "T1595.003", "T1190", "T1505.003", "T1548.003", "T1136.001", "T1041"] {
            XCTAssertTrue(top.techniques.contains(t), "missing \(t) in \(top.techniques)")
        }
        XCTAssertTrue(top.succeeded)
        // The host events were attributed to the attacker through the webshell.
        let attributed = r.engine.interest.filter { $0.attributedSource == MultiStageAttackTests.attacker }
        XCTAssertEqual(attributed.map(\.action), [.sudoCommand, .userAdded])
        XCTAssertEqual(attributed.first?.attribution, "run as www-data after 203.0.113.66 used a webshell")
        // The webshell upload was paired with the later access.
        XCTAssertTrue(r.findings.contains { $0.ruleId == "trace.web.webshell-upload" && $0.location.line != nil })
        // The deploy user's own sudo stays with its SSH source.
        let deploySudo = r.engine.interest.first { $0.user == "deploy" && $0.action == .sudoCommand }
        XCTAssertEqual(deploySudo?.attributedSource, "198.51.100.200")
    }

    func testReportNamesTheAttackerFirst() throws {
        var config = TraceConfig()
        config.zone = ZoneResolver.parse("Asia/Shanghai")!   // auth.log is in local time
        let (access, auth) = MultiStageAttackTests.logs()
        let r = try runEngine([("access.log", access), ("auth.log", auth)], config: config)
        let text = IncidentReport.text(r.engine, r.result, zh: false)
        let first = try XCTUnwrap(text.range(of: "\n1. "))
        XCTAssertTrue(text[first.upperBound...].hasPrefix("203.0.113.66"), String(text.prefix(600)))
        XCTAssertTrue(text.contains("kill chain: reconnaissance"), String(text.prefix(1500)))
        XCTAssertTrue(text.contains("attributed: run as www-data after 203.0.113.66 used a webshell"))
    }
}
