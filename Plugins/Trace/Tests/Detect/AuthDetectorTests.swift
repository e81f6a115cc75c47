import DSToolKit
import XCTest
@testable import DSToolTrace

final class AuthDetectorTests: XCTestCase {
    func line(_ sec: Int, _ prog: String, _ msg: String) -> String {
        String(format: "Jan 15 %02d:%02d:%02d web1 %@: %@", 10 + sec / 3600, sec % 3600 / 60, sec % 60, prog, msg)
    }

    func testPerEventFindings() throws {
        let log = [
            line(0, "sshd[1]", "Accepted password for root from 203.0.113.1 port 22 ssh2"),
            line(1, "sshd[1]", "Invalid user admin from 203.0.113.2 port 22"),
            line(2, "sudo", "   bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id"),
            line(3, "sudo", "   eve : user NOT in sudoers ; TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/sh"),
            line(4, "su", "pam_unix(su:session): session opened for user root(uid=0) by bob(uid=1000)"),
            line(5, "su", "pam_unix(su:auth): authentication failure; logname=eve uid=1001 euid=0 tty=pts/1 ruser=eve rhost=  user=root"),
            line(6, "useradd[9]", "new user: name=helper, UID=1002, GID=1002, home=/home/helper, shell=/bin/bash, from=/dev/pts/0"),
            line(7, "usermod[9]", "add 'helper' to group 'sudo'"),
            line(8, "usermod[9]", "add 'helper' to group 'audio'"),
            line(9, "sudo", "   bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/sbin/visudo"),
            line(10, "passwd[9]", "pam_unix(passwd:chauthtok): password changed for helper"),
            line(11, "userdel[9]", "delete user 'helper'"),
            line(12, "sshd[1]", "Accepted publickey for deploy from 198.51.100.7 port 5000 ssh2"),
        ].joined(separator: "\n")
        let r = try runEngine([("auth.log", log)], builtin: false)
        let byLine = Dictionary(grouping: r.findings.filter { $0.ruleId.hasPrefix("trace.auth") }, by: { $0.location.line ?? 0 })
            .mapValues { $0.map(\.ruleId).sorted() }
        XCTAssertEqual(byLine[1], ["trace.auth.root-login"])
        XCTAssertEqual(byLine[2], ["trace.auth.invalid-user"])
        XCTAssertEqual(byLine[3], ["trace.auth.sudo"])
        XCTAssertEqual(byLine[4], ["trace.auth.sudo-denied"])
        XCTAssertEqual(byLine[5], ["trace.auth.su"])
        XCTAssertEqual(byLine[6], ["trace.auth.su-failed"])
        XCTAssertEqual(byLine[7], ["trace.auth.new-user"])
        XCTAssertEqual(byLine[8], ["trace.auth.admin-group"])
        XCTAssertEqual(byLine[9], ["trace.auth.group-change"])
        XCTAssertEqual(byLine[10], ["trace.auth.sudoers-change"])
        XCTAssertEqual(byLine[11], ["trace.auth.password-change"])
        XCTAssertEqual(byLine[12], ["trace.auth.user-deleted"])
        XCTAssertNil(byLine[13])   // an ordinary key login is a timeline row, not a finding
        XCTAssertEqual(r.engine.interest.count, 13)
    }

    /// Brute force then success from the same source, end to end: the compromise is reported
    /// at the successful login, with the first failure as evidence.
    func testSuccessAfterFailures() throws {
        var log: [String] = []
        for i in 0..<8 { log.append(line(i * 5, "sshd[2]", "Failed password for \(i % 2 == 0 ? "root" : "admin") from 203.0.113.66 port \(40000 + i) ssh2")) }
        log.append(line(45, "sshd[2]", "Accepted password for admin from 203.0.113.66 port 40099 ssh2"))
        log.append(line(50, "sshd[3]", "Failed password for bob from 198.51.100.1 port 1 ssh2"))
        log.append(line(55, "sshd[3]", "Accepted password for bob from 198.51.100.1 port 2 ssh2"))
        let r = try runEngine([("auth.log", log.joined(separator: "\n"))])
        let c = r.findings("trace.auth.success-after-failures")
        XCTAssertEqual(c.count, 1)
        XCTAssertEqual(c.first?.severity, .critical)
        XCTAssertEqual(c.first?.location.line, 9)
        XCTAssertEqual(c.first?.properties?["source"]?.stringValue, "203.0.113.66")
        XCTAssertEqual(c.first?.properties?["failures"]?.intValue, 8)
        XCTAssertEqual(c.first?.evidence?.split(separator: "\n").count, 2)
        XCTAssertTrue(c.first?.message?.en.contains("admin logged in after 8 failed attempts") ?? false)
        // The source tops the incident ranking with initial access in its kill chain.
        XCTAssertEqual(r.result.profiles.first?.source, "203.0.113.66")
        XCTAssertTrue(r.result.profiles.first?.stages.contains { $0.tactic == .initialAccess } ?? false)
    }

    func testRotatedLogsOutOfOrderStillCorrelate() throws {
        // auth.log (newer, with the success) is read before auth.log.1 (older, with the failures).
        let newer = line(3600, "sshd[2]", "Accepted password for root from 203.0.113.67 port 1 ssh2")
        let older = (0..<6).map { line($0 * 60, "sshd[2]", "Failed password for root from 203.0.113.67 port 1 ssh2") }.joined(separator: "\n")
        let r = try runEngine([("auth.log", newer), ("auth.log.1", older)])
        XCTAssertEqual(r.findings("trace.auth.success-after-failures").count, 1)
    }

    func testThresholdAndWindow() {
        typealias E = (time: Int64, source: String, user: String, failure: Bool, success: Bool, weight: Int)
        let m: Int64 = 60_000_000
        var ev: [E] = (0..<4).map { (Int64($0) * m, "a", "root", true, false, 1) }
        ev.append((5 * m, "a", "root", false, true, 1))
        XCTAssertEqual(AuthRules.compromises(ev, threshold: 5).count, 0)
        XCTAssertEqual(AuthRules.compromises(ev, threshold: 4).count, 1)
        // Failures more than an hour before the success do not count.
        let late: [E] = [(0, "b", "root", true, false, 10), (2 * 60 * m, "b", "root", false, true, 1)]
        XCTAssertEqual(AuthRules.compromises(late, threshold: 5).count, 0)
        // A weight (message repeated N times) counts N.
        let weighted: [E] = [(0, "c", "root", true, false, 6), (m, "c", "root", false, true, 1)]
        XCTAssertEqual(AuthRules.compromises(weighted, threshold: 5).first?.failures, 6)
    }
}

final class ExfilDetectorTests: XCTestCase {
    func testArchiveDownloads() throws {
        let log = [
            accessLine("203.0.113.1", request: "GET /backup/db.sql.gz HTTP/1.1", bytes: 20 << 20),
            accessLine("203.0.113.1", request: "GET /exports/customers.csv HTTP/1.1", bytes: 5000),
            accessLine("203.0.113.1", request: "GET /site.zip HTTP/1.1", status: 404, bytes: 153),
            accessLine("203.0.113.1", request: "GET /data/app.sqlite HTTP/1.1", bytes: 4096),
            accessLine("203.0.113.1", request: "HEAD /dump.sql HTTP/1.1", bytes: 0),
        ].joined(separator: "\n")
        let r = try runEngine([("access.log", log)], builtin: false)
        let f = r.findings("trace.exfil.archive-download")
        XCTAssertEqual(f.map(\.location.line), [1, 4])
        XCTAssertEqual(f.map(\.severity), [.high, .medium])
    }

    func testSourceOutlierRarePathAndVolume() throws {
        var log: [String] = []
        // Five ordinary sources, 30 requests each, ~10 KB; one of them later gets 300 MB from a path nobody else requests.
        for s in 1...5 {
            for i in 0..<30 {
                log.append(accessLine("198.51.100.\(s)", request: "GET /page\(i % 5) HTTP/1.1", time: "15/Jan/2024:10:\(String(format: "%02d", i)):00 +0000", bytes: 10_000 + i))
            }
        }
        log.append(accessLine("198.51.100.3", request: "GET /reports/all HTTP/1.1", time: "15/Jan/2024:11:00:00 +0000", bytes: 300 << 20))
        let r = try runEngine([("access.log", log.joined(separator: "\n"))], builtin: false)
        XCTAssertEqual(r.findings("trace.exfil.response-outlier").map(\.location.line), [151])
        XCTAssertEqual(r.findings("trace.exfil.large-rare-path").map(\.location.line), [151])
        let v = r.findings("trace.exfil.source-volume")
        XCTAssertEqual(v.map { $0.properties?["source"]?.stringValue }, ["198.51.100.3"])
        // Nothing for ordinary sizes.
        let calm = try runEngine([("access.log", log.dropLast().joined(separator: "\n"))], builtin: false)
        XCTAssertEqual(calm.findings.filter { $0.ruleId.hasPrefix("trace.exfil") }.count, 0)
    }

    func testBulkQuery() throws {
        let slow = "# Time: 2024-01-15T10:00:00Z\n# User@Host: app[app] @ web [10.0.0.8]  Id: 1\n# Query_time: 30  Lock_time: 0 Rows_sent: 2000000  Rows_examined: 2000000\nSET timestamp=1705312800;\nSELECT * FROM customers;\n"
        XCTAssertEqual(try runEngine([("slow.log", slow)], builtin: false).rules(), ["trace.exfil.bulk-query"])
        let small = slow.replacingOccurrences(of: "Rows_sent: 2000000", with: "Rows_sent: 20")
        XCTAssertEqual(try runEngine([("slow.log", small)], builtin: false).rules(), [])
    }
}

final class IndicatorTests: XCTestCase {
    func testIndicators() throws {
        let set = IndicatorSet()
        set.add(text: """
        # campaign X
        203.0.113.99
        198.51.100.0/24
        evil-c2.example
        ua:BadBot/1.0
        44d88612fea8a8f36de82e1278abb02f
        hash: nothex
        300.1.2.3/8
        """, list: "iocs.txt")
        try set.finish()
        XCTAssertEqual(set.count, 5)
        XCTAssertEqual(set.problems.count, 2)
        let log = [
            accessLine("203.0.113.99", request: "GET / HTTP/1.1"),
            accessLine("198.51.100.77", request: "GET / HTTP/1.1"),
            accessLine("192.0.2.1", request: "GET /go?to=http://evil-c2.example/x HTTP/1.1"),
            accessLine("192.0.2.1", request: "GET /go?to=http://notevil-c2.example/x HTTP/1.1"),
            accessLine("192.0.2.2", request: "GET / HTTP/1.1", agent: "BadBot/1.0 (+x)"),
            accessLine("192.0.2.3", request: "GET /f?h=44d88612fea8a8f36de82e1278abb02f HTTP/1.1"),
            accessLine("192.0.2.4", request: "GET / HTTP/1.1"),
        ].joined(separator: "\n")
        let r = try runEngine([("access.log", log)], builtin: false, indicators: set)
        let hits = r.findings("trace.ioc.match")
        XCTAssertEqual(hits.map(\.location.line), [1, 2, 3, 5, 6])
        XCTAssertEqual(hits[1].properties?["detail"]?.stringValue, "cidr 198.51.100.0/24 (list iocs.txt)")
    }

    func testGeoTable() {
        let g = GeoTable(text: "network,country,asn,organisation\n203.0.113.0/24,CN,AS4134,\"Example Telecom, Inc\"\n203.0.113.128/25,HK,AS9999,Smaller\n2001:db8::/32,DE,AS3320,Doc\nbad line\n", name: "geo.csv")
        XCTAssertEqual(g.lookup("203.0.113.5")?.country, "CN")
        XCTAssertEqual(g.lookup("203.0.113.200")?.country, "HK")   // most specific wins
        XCTAssertEqual(g.lookup("203.0.113.5")?.organisation, "Example Telecom, Inc")
        XCTAssertEqual(g.lookup("2001:db8::1")?.asn, "AS3320")
        XCTAssertNil(g.lookup("192.0.2.1"))
        XCTAssertEqual(g.problems, ["geo.csv:5: 'bad line' is not a CIDR block"])
    }

    func testAddresses() {
        XCTAssertEqual(IPAddress.parse("::ffff:1.2.3.4"), IPAddress.parse("1.2.3.4"))
        XCTAssertEqual(IPAddress.parse("2001:db8::1")?.description, "2001:db8::1")
        XCTAssertEqual(IPAddress.parse("[::1]")?.description, "::1")
        XCTAssertEqual(IPAddress.parse("10.0.0.1")?.isPrivate, true)
        XCTAssertNil(IPAddress.parse("1.2.3"))
        XCTAssertNil(IPAddress.parse("1.2.3.256"))
        XCTAssertNil(IPAddress.parse("2001:db8::1::2"))
        XCTAssertNil(IPAddress.parse("example.com"))
        XCTAssertTrue(IPNetwork("10.0.0.0/8")!.contains(IPAddress.parse("10.200.0.1")!))
        XCTAssertFalse(IPNetwork("10.0.0.0/8")!.contains(IPAddress.parse("11.0.0.1")!))
        XCTAssertEqual(IPNetwork("192.168.1.77/24")?.description, "192.168.1.0/24")
    }
}
