import DSToolKit
import XCTest
@testable import DSToolTrace

final class SyslogParserTests: XCTestCase {
    func ctx(year: Int = 2024, month: Int = 3, zone: String = "UTC", path: String = "/var/log/syslog") -> ParseContext {
        ParseContext(zone: ZoneResolver.parse(zone)!, years: YearInference(referenceYear: year, referenceMonth: month), path: path)
    }

    func testBSDLine() throws {
        let e = try XCTUnwrap(parseLine("Jan  5 03:04:05 web-1 CRON[12345]: (root) CMD (run-parts /etc/cron.hourly)", .syslog, ctx: ctx()))
        XCTAssertEqual(e.string(.host), "web-1")
        XCTAssertEqual(e.string(.program), "CRON")
        XCTAssertEqual(e.string(.pid), "12345")
        XCTAssertEqual(e.string(.message), "(root) CMD (run-parts /etc/cron.hourly)")
        XCTAssertEqual(CivilTime.isoString(micros: e.time), "2024-01-05T03:04:05Z")
        XCTAssertTrue(e.zoneAssumed)
        XCTAssertTrue(e.services.contains(.cron))
    }

    func testZoneApplied() throws {
        let e = try XCTUnwrap(parseLine("Jul 15 10:00:00 h prog: x", .syslog, ctx: ctx(month: 12, zone: "Europe/Berlin")))
        XCTAssertEqual(CivilTime.isoString(micros: e.time), "2024-07-15T08:00:00Z")  // CEST, UTC+2
        let w = try XCTUnwrap(parseLine("Jan 15 10:00:00 h prog: x", .syslog, ctx: ctx(month: 12, zone: "Europe/Berlin")))
        XCTAssertEqual(CivilTime.isoString(micros: w.time), "2024-01-15T09:00:00Z")  // CET, UTC+1
    }

    func testPriorityAndRFC3339Timestamp() throws {
        let e = try XCTUnwrap(parseLine("<38>2024-01-15T10:00:00.123456+08:00 host sshd[9]: Connection closed", .syslog, ctx: ctx()))
        XCTAssertEqual(e.string(.facility), "auth")
        XCTAssertEqual(e.string(.severity), "info")
        XCTAssertEqual(e.time, 1_705_284_000_123_456)
        XCTAssertFalse(e.zoneAssumed)
        XCTAssertTrue(e.services.contains(.sshd))
    }

    func testLineWithoutProgram() throws {
        let e = try XCTUnwrap(parseLine("Jan 15 10:00:00 host -- MARK --", .syslog, ctx: ctx()))
        XCTAssertNil(e.value(.program))
        XCTAssertEqual(e.string(.message), "-- MARK --")
    }

    func testYearInferenceAcrossNewYear() {
        // File last written in February 2024: December lines are from 2023, January lines from 2024.
        let c = ctx(year: 2024, month: 2)
        let lines = ["Dec 30 23:59:00 h p: a", "Dec 31 23:59:59 h p: b", "Jan  1 00:00:01 h p: c", "Feb  2 10:00:00 h p: d"]
        let times = lines.compactMap { parseLine($0, .syslog, ctx: c) }.map { CivilTime.isoString(micros: $0.time) }
        XCTAssertEqual(times, ["2023-12-30T23:59:00Z", "2023-12-31T23:59:59Z", "2024-01-01T00:00:01Z", "2024-02-02T10:00:00Z"])
    }

    func testYearInferenceOutOfOrderLineIsNotANewYear() {
        var y = YearInference(referenceYear: 2024, referenceMonth: 6)
        XCTAssertEqual(y.year(forMonth: 5), 2024)
        XCTAssertEqual(y.year(forMonth: 4), 2024)   // a straggler, not 2025
        XCTAssertEqual(y.year(forMonth: 6), 2024)
        var z = YearInference(referenceYear: 2024, referenceMonth: 1)
        XCTAssertEqual(z.year(forMonth: 1), 2024)
        XCTAssertEqual(z.year(forMonth: 12), 2023)  // a December line after January: the year before
        var forced = YearInference(referenceYear: 2019, referenceMonth: 12, forced: true)
        XCTAssertEqual(forced.year(forMonth: 11), 2019)
    }

    func testRejects() {
        XCTAssertNil(parseLine("Foo 15 10:00:00 host prog: x", .syslog, ctx: ctx()))
        XCTAssertNil(parseLine("Jan 15 10:00 host prog: x", .syslog, ctx: ctx()))
        XCTAssertNil(parseLine(#"1.2.3.4 - - [15/Jan/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 1"#, .syslog, ctx: ctx()))
        XCTAssertNil(parseLine("", .syslog, ctx: ctx()))
    }

    func testRFC5424() throws {
        let e = try XCTUnwrap(parseLine(#"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] 'su root' failed for lonvick on /dev/pts/8"#, .syslog5424))
        XCTAssertEqual(e.string(.host), "mymachine.example.com")
        XCTAssertEqual(e.string(.program), "su")
        XCTAssertNil(e.value(.pid))
        XCTAssertEqual(e.string(.session), "ID47")
        XCTAssertEqual(e.extra("iut"), "3")
        XCTAssertEqual(e.extra("eventSource"), "Application")
        XCTAssertEqual(e.string(.message), "'su root' failed for lonvick on /dev/pts/8")
        XCTAssertEqual(CivilTime.isoString(micros: e.time), "2003-10-11T22:14:15.003000Z")
        XCTAssertTrue(e.services.contains(.su))
        let n = try XCTUnwrap(parseLine("<165>1 2024-01-15T10:00:00+08:00 h app 77 - - \u{FEFF}hello", .syslog5424))
        XCTAssertEqual(n.string(.message), "hello")
        XCTAssertEqual(n.string(.pid), "77")
        XCTAssertNil(parseLine("Jan 15 10:00:00 host prog: x", .syslog5424))
        XCTAssertNil(parseLine("<34>1 notatime host app - - - msg", .syslog5424))
    }
}

/// sshd, PAM, sudo, su, useradd/usermod and passwd messages → action, user, source.
final class AuthMessageTests: XCTestCase {
    func auth(_ line: String) -> (AuthAction, [String: String])? {
        guard let e = parseLine(line, .syslog, ctx: ParseContext(years: YearInference(referenceYear: 2024, referenceMonth: 12), path: "/var/log/auth.log")) else { return nil }
        var d: [String: String] = [:]
        for f in [Field.user, .targetUser, .srcIP, .command] { if let v = e.string(f) { d[f.name] = v } }
        d["repeat"] = String(e.repeatCount)
        return (e.authAction, d)
    }

    func testSSH() throws {
        var r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: Failed password for root from 203.0.113.9 port 4242 ssh2"))
        XCTAssertEqual(r.0, .sshFailed); XCTAssertEqual(r.1["user"], "root"); XCTAssertEqual(r.1["src_ip"], "203.0.113.9")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: Failed password for invalid user oracle from 203.0.113.9 port 4242 ssh2"))
        XCTAssertEqual(r.0, .sshFailed); XCTAssertEqual(r.1["user"], "oracle"); XCTAssertEqual(r.1["target_user"], "oracle")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: Invalid user admin from 2001:db8::7 port 4242"))
        XCTAssertEqual(r.0, .sshInvalidUser); XCTAssertEqual(r.1["user"], "admin"); XCTAssertEqual(r.1["src_ip"], "2001:db8::7")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: Accepted publickey for deploy from 198.51.100.3 port 50000 ssh2: ED25519 SHA256:abc"))
        XCTAssertEqual(r.0, .sshAccepted); XCTAssertEqual(r.1["user"], "deploy"); XCTAssertEqual(r.1["command"], "publickey")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: message repeated 5 times: [ Failed password for root from 203.0.113.9 port 22 ssh2]"))
        XCTAssertEqual(r.0, .sshFailed); XCTAssertEqual(r.1["repeat"], "5"); XCTAssertEqual(r.1["src_ip"], "203.0.113.9")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: error: maximum authentication attempts exceeded for invalid user test from 203.0.113.9 port 22 ssh2 [preauth]"))
        XCTAssertEqual(r.0, .sshMaxAttempts); XCTAssertEqual(r.1["user"], "test")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: Connection closed by authenticating user root 203.0.113.9 port 22 [preauth]"))
        XCTAssertEqual(r.0, .sshPreauthClose); XCTAssertEqual(r.1["src_ip"], "203.0.113.9")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: Did not receive identification string from 203.0.113.10 port 1234"))
        XCTAssertEqual(r.0, .sshNoIdent); XCTAssertEqual(r.1["src_ip"], "203.0.113.10")
    }

    func testPAM() throws {
        var r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root"))
        XCTAssertEqual(r.0, .pamFailure); XCTAssertEqual(r.1["src_ip"], "203.0.113.9"); XCTAssertEqual(r.1["user"], "root")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: pam_unix(sshd:session): session opened for user bob(uid=1000) by (uid=0)"))
        XCTAssertEqual(r.0, .sessionOpened); XCTAssertEqual(r.1["target_user"], "bob")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: pam_unix(sshd:session): session closed for user bob"))
        XCTAssertEqual(r.0, .sessionClosed); XCTAssertEqual(r.1["user"], "bob")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sshd[1]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root"))
        XCTAssertEqual(r.0, .pamFailure); XCTAssertEqual(r.1["repeat"], "2")
    }

    func testSudoAndSu() throws {
        var r = try XCTUnwrap(auth("Jan 15 10:00:00 h sudo:     bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/apt update"))
        XCTAssertEqual(r.0, .sudoCommand); XCTAssertEqual(r.1["user"], "bob"); XCTAssertEqual(r.1["target_user"], "root")
        XCTAssertEqual(r.1["command"], "/usr/bin/apt update")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sudo:     bob : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls"))
        XCTAssertEqual(r.0, .sudoDenied)
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sudo: www-data : user NOT in sudoers ; TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/bin/sh"))
        XCTAssertEqual(r.0, .sudoDenied); XCTAssertEqual(r.1["user"], "www-data")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sudo:     bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/tee -a /etc/sudoers"))
        XCTAssertEqual(r.0, .sudoersChanged)
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h sudo:     bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/cat /etc/sudoers"))
        XCTAssertEqual(r.0, .sudoCommand)  // reading is not changing
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h su: pam_unix(su:session): session opened for user root(uid=0) by bob(uid=1000)"))
        XCTAssertEqual(r.0, .suSuccess); XCTAssertEqual(r.1["user"], "bob"); XCTAssertEqual(r.1["target_user"], "root")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h su: pam_unix(su:auth): authentication failure; logname=bob uid=1000 euid=0 tty=pts/0 ruser=bob rhost=  user=root"))
        XCTAssertEqual(r.0, .suFailed); XCTAssertEqual(r.1["user"], "bob"); XCTAssertEqual(r.1["target_user"], "root")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h su[5]: FAILED SU (to root) bob on pts/0"))
        XCTAssertEqual(r.0, .suFailed)
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h su[5]: (to root) bob on pts/0"))
        XCTAssertEqual(r.0, .suSuccess)
    }

    func testAccounts() throws {
        var r = try XCTUnwrap(auth("Jan 15 10:00:00 h useradd[9]: new user: name=backdoor, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/1"))
        XCTAssertEqual(r.0, .userAdded); XCTAssertEqual(r.1["target_user"], "backdoor")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h usermod[9]: add 'backdoor' to group 'sudo'"))
        XCTAssertEqual(r.0, .groupMembership); XCTAssertEqual(r.1["command"], "sudo")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h passwd[9]: pam_unix(passwd:chauthtok): password changed for root"))
        XCTAssertEqual(r.0, .passwordChanged); XCTAssertEqual(r.1["target_user"], "root")
        r = try XCTUnwrap(auth("Jan 15 10:00:00 h userdel[9]: delete user 'old'"))
        XCTAssertEqual(r.0, .userDeleted)
    }

    func testOrdinaryMessagesAreNotAuthEvents() throws {
        for l in ["Jan 15 10:00:00 h systemd[1]: Started Session 3 of user bob.",
                  "Jan 15 10:00:00 h sshd[1]: Server listening on 0.0.0.0 port 22.",
                  "Jan 15 10:00:00 h kernel: [ 1.0] Failed to load module",
                  "Jan 15 10:00:00 h app[1]: user : TTY=x ; USER=root ; COMMAND=/bin/sh"] {
            XCTAssertEqual(try XCTUnwrap(auth(l)).0, .none, l)
        }
    }
}
