import DSToolKit
import XCTest
@testable import DSToolTrace

final class JournaldTests: XCTestCase {
    func testExport() throws {
        let line = #"{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1705312800123456","_HOSTNAME":"web1","SYSLOG_IDENTIFIER":"sshd","_PID":"812","PRIORITY":"6","MESSAGE":"Failed password for root from 203.0.113.9 port 22 ssh2","_COMM":"sshd"}"#
        let e = try XCTUnwrap(parseLine(line, .journald))
        XCTAssertEqual(e.time, 1_705_312_800_123_456)
        XCTAssertEqual(e.string(.host), "web1")
        XCTAssertEqual(e.string(.program), "sshd")
        XCTAssertEqual(e.string(.severity), "info")
        XCTAssertEqual(e.authAction, .sshFailed)
        XCTAssertEqual(e.string(.srcIP), "203.0.113.9")
        XCTAssertEqual(e.extra("_COMM"), "sshd")
        XCTAssertTrue(e.services.isSuperset(of: [.journald, .sshd, .auth]))
    }

    func testBinaryMessageArray() throws {
        let e = try XCTUnwrap(parseLine(#"{"__REALTIME_TIMESTAMP":"1705312800000000","MESSAGE":[104,105,255],"SYSLOG_IDENTIFIER":"app"}"#, .journald))
        XCTAssertEqual(Array(e.value(.message)!), [104, 105, 255])
    }

    func testPlainJSONIsNotJournald() {
        XCTAssertNil(parseLine(#"{"time":"2024-01-15T10:00:00Z","msg":"hi"}"#, .journald))
    }
}

final class AuditdTests: XCTestCase {
    func testUserAuthFailure() throws {
        let e = try XCTUnwrap(parseLine(#"type=USER_AUTH msg=audit(1705312800.123:456): pid=812 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct="root" exe="/usr/sbin/sshd" hostname=203.0.113.9 addr=203.0.113.9 terminal=ssh res=failed'"#, .auditd))
        XCTAssertEqual(e.time, 1_705_312_800_123_000)
        XCTAssertEqual(e.string(.action), "USER_AUTH")
        XCTAssertEqual(e.string(.session), "456")
        XCTAssertEqual(e.string(.user), "root")
        XCTAssertEqual(e.string(.srcIP), "203.0.113.9")
        XCTAssertEqual(e.string(.program), "/usr/sbin/sshd")
        XCTAssertEqual(e.extra("op"), "PAM:authentication")
        XCTAssertEqual(e.authAction, .sshFailed)
    }

    func testHexValuesAndNode() throws {
        // acct and cmd hex-encoded (they contain spaces): "bad user", "id -a"
        let e = try XCTUnwrap(parseLine(#"node=db1 type=USER_CMD msg=audit(1705312801.000:7): pid=9 uid=1000 auid=1000 ses=3 msg='cwd="/home/bob" cmd=6964202D61 exe="/usr/bin/sudo" terminal=pts/0 res=success'"#, .auditd))
        XCTAssertEqual(e.string(.host), "db1")
        XCTAssertEqual(e.string(.command), "id -a")
        XCTAssertEqual(e.authAction, .sudoCommand)
        let p = try XCTUnwrap(parseLine(#"type=PROCTITLE msg=audit(1705312801.000:8): proctitle=2F62696E2F7368002D69"#, .auditd))
        XCTAssertEqual(p.extra("proctitle"), "/bin/sh -i")
        let path = try XCTUnwrap(parseLine(#"type=PATH msg=audit(1705312801.000:9): item=0 name="/etc/sudoers.d/evil" inode=1 nametype=CREATE"#, .auditd))
        XCTAssertEqual(path.authAction, .sudoersChanged)
        let add = try XCTUnwrap(parseLine(#"type=ADD_USER msg=audit(1705312801.000:10): pid=1 uid=0 auid=0 ses=1 msg='op=adding user id=1001 exe="/usr/sbin/useradd" hostname=? addr=? terminal=pts/0 res=success'"#, .auditd))
        XCTAssertEqual(add.authAction, .userAdded)
        XCTAssertNil(add.value(.srcIP))  // addr=? is no address
    }

    func testRejects() {
        XCTAssertNil(parseLine("type=USER_AUTH something else", .auditd))
        XCTAssertNil(parseLine("Jan 15 10:00:00 h p: type=x msg=audit(1:2): a", .auditd))
    }
}

final class JSONLinesTests: XCTestCase {
    func testDefaultMapping() throws {
        let e = try XCTUnwrap(parseLine(#"{"ts":"2024-01-15T10:00:00.5+08:00","level":"warn","client":{"ip":"203.0.113.4"},"method":"GET","url":"/api/orders?id=1 or 1=1","status":200,"bytes":512,"user_agent":"curl/8","msg":"request \"done\"\u00e9"}"#, .jsonLines))
        XCTAssertEqual(e.time, 1_705_284_000_500_000)
        XCTAssertEqual(e.string(.srcIP), "203.0.113.4")
        XCTAssertEqual(e.string(.uri), "/api/orders?id=1 or 1=1")
        XCTAssertEqual(e.string(.path), "/api/orders")
        XCTAssertEqual(e.statusCode, 200)
        XCTAssertEqual(e.byteCount, 512)
        XCTAssertEqual(e.string(.message), "request \"done\"é")
        XCTAssertEqual(e.string(.level), "warn")
        XCTAssertTrue(e.services.contains(.webserver))
    }

    func testFieldMapAndEpochTimes() throws {
        let map = try FieldMap.parse("time=when,src_ip=peer.addr|remote,user=who,message=text")
        let ctx = ParseContext(fieldMap: map)
        let e = try XCTUnwrap(parseLine(#"{"when":1705312800123,"peer":{"addr":"198.51.100.1"},"who":"alice","text":"login ok"}"#, .jsonLines, ctx: ctx))
        XCTAssertEqual(e.time, 1_705_312_800_123_000)   // milliseconds
        XCTAssertEqual(e.string(.srcIP), "198.51.100.1")
        XCTAssertEqual(e.string(.user), "alice")
        let s = try XCTUnwrap(parseLine(#"{"when":1705312800,"remote":"198.51.100.2"}"#, .jsonLines, ctx: ctx))
        XCTAssertEqual(s.time, 1_705_312_800_000_000)   // seconds
        XCTAssertEqual(s.string(.srcIP), "198.51.100.2")
        XCTAssertThrowsError(try FieldMap.parse("nonsense")) { XCTAssertTrue("\($0)".contains("FIELD=KEY")) }
        XCTAssertThrowsError(try FieldMap.parse("colour=c")) { XCTAssertTrue("\($0)".contains("not a field")) }
        let fromFile = try FieldMap.parse("# mapping\ntime = at\nsrc_ip = addr\n")
        let f = try XCTUnwrap(parseLine(#"{"at":"2024-01-15T10:00:00Z","addr":"192.0.2.5"}"#, .jsonLines, ctx: ParseContext(fieldMap: fromFile)))
        XCTAssertEqual(f.string(.srcIP), "192.0.2.5")
    }

    func testTruncatedAndInvalid() throws {
        let t = try XCTUnwrap(parseLine(#"{"time":"2024-01-15T10:00:00Z","msg":"cut he"#, .jsonLines))
        XCTAssertTrue(t.truncated)
        XCTAssertNil(parseLine("{not json at all", .jsonLines))
        XCTAssertNil(parseLine("plain text", .jsonLines))
        XCTAssertNil(parseLine("[1,2,3]", .jsonLines))
    }
}

final class MySQLLogTests: XCTestCase {
    func testGeneralLog() {
        let lines = [
            "/usr/sbin/mysqld, Version: 8.0.35 (MySQL Community Server - GPL). started with:",
            "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock",
            "Time                 Id Command    Argument",
            "2024-01-15T10:00:00.000001Z\t   12 Connect\tapp@10.0.0.8 on shop using TCP/IP",
            "2024-01-15T10:00:01.000000Z\t   12 Query\tSELECT * FROM users",
            "WHERE id = 1",
            "2024-01-15T10:00:02.000000Z\t   13 Connect\tAccess denied for user 'root'@'203.0.113.9' (using password: YES)",
            "2024-01-15T10:00:03.000000Z\t   12 Quit\t",
        ]
        let ev = parseLines(lines, .mysqlGeneral)
        XCTAssertEqual(ev.count, 4)
        XCTAssertEqual(ev[0]["user"], "app"); XCTAssertEqual(ev[0]["src_ip"], "10.0.0.8"); XCTAssertEqual(ev[0]["database"], "shop")
        XCTAssertEqual(ev[1]["command"], "SELECT * FROM users\nWHERE id = 1")
        XCTAssertEqual(ev[1]["user"], "app")   // carried from the thread's Connect
        XCTAssertEqual(ev[1]["@line"], "5")
        XCTAssertEqual(ev[2]["@auth"], "login_failed"); XCTAssertEqual(ev[2]["src_ip"], "203.0.113.9"); XCTAssertEqual(ev[2]["user"], "root")
        XCTAssertEqual(ev[3]["action"], "Quit")
        XCTAssertEqual(ev[1]["@time"], "2024-01-15T10:00:01Z")
    }

    func testOldGeneralLog() {
        let ev = parseLines(["240115 10:00:00\t     5 Query\tSELECT 1", "\t\t     5 Query\tSELECT 2"], .mysqlGeneral)
        XCTAssertEqual(ev.count, 2)
        XCTAssertEqual(ev[1]["message"], "SELECT 2")
        XCTAssertEqual(ev[1]["@time"], "2024-01-15T10:00:00Z")
    }

    func testSlowLog() {
        let lines = [
            "# Time: 2024-01-15T10:00:00.123456Z",
            "# User@Host: app[app] @ web1 [10.0.0.8]  Id:    12",
            "# Query_time: 12.500000  Lock_time: 0.000100 Rows_sent: 250000  Rows_examined: 250000",
            "use shop;",
            "SET timestamp=1705312800;",
            "SELECT * FROM customers",
            "  WHERE 1=1;",
            "# Time: 2024-01-15T10:05:00.000000Z",
            "# User@Host: root[root] @ localhost []  Id:    13",
            "# Query_time: 1.0  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 1",
            "SET timestamp=1705313100;",
            "SELECT SLEEP(1);",
        ]
        let ev = parseLines(lines, .mysqlSlow)
        XCTAssertEqual(ev.count, 2)
        XCTAssertEqual(ev[0]["user"], "app"); XCTAssertEqual(ev[0]["src_ip"], "10.0.0.8"); XCTAssertEqual(ev[0]["session"], "12")
        XCTAssertEqual(ev[0]["database"], "shop"); XCTAssertEqual(ev[0]["Rows_sent"], "250000"); XCTAssertEqual(ev[0]["duration"], "12.500000")
        XCTAssertEqual(ev[0]["command"], "SELECT * FROM customers\n  WHERE 1=1;")
        XCTAssertEqual(ev[0]["@time"], "2024-01-15T10:00:00.123456Z")
        XCTAssertEqual(ev[0]["@line"], "1")
        XCTAssertEqual(ev[1]["src_ip"], "localhost")
        XCTAssertEqual(ev[1]["command"], "SELECT SLEEP(1);")
    }

    func testOtherTextIsNotMySQL() {
        XCTAssertEqual(parseLines(["Jan 15 10:00:00 h p: x", "hello"], .mysqlGeneral).count, 0)
        XCTAssertEqual(parseLines(["SELECT 1;"], .mysqlSlow).count, 0)
    }
}
