import DSToolKit
import XCTest
@testable import DSToolTrace

final class SigmaModifierTests: XCTestCase {
    func testPlainValueIsWholeFieldCaseless() {
        let r = webRule("selection:\n  cs-method: post")
        XCTAssertTrue(sigmaMatches(r, web("/", method: "POST")))
        XCTAssertFalse(sigmaMatches(r, web("/", method: "GET")))
        let path = webRule("selection:\n  cs-uri-stem: /admin")
        XCTAssertTrue(sigmaMatches(path, web("/ADMIN")))
        XCTAssertFalse(sigmaMatches(path, web("/admin/x")))
    }

    func testWildcardsAndEscapes() {
        let r = webRule("selection:\n  cs-uri-stem: '/a*/b?.php'")
        XCTAssertTrue(sigmaMatches(r, web("/abc/de/b1.php")))
        XCTAssertFalse(sigmaMatches(r, web("/abc/b12.php")))
        let lit = webRule(#"selection:\n  cs-uri-query|contains: 'x\*y'"#.replacingOccurrences(of: "\\n", with: "\n"))
        XCTAssertTrue(sigmaMatches(lit, web("/p?q=x*y")))
        XCTAssertFalse(sigmaMatches(lit, web("/p?q=xzzy")))
        let any = webRule("selection:\n  cs-referer: '*'")
        XCTAssertTrue(sigmaMatches(any, web("/", referer: "https://r.example/")))
        XCTAssertFalse(sigmaMatches(any, web("/")))
    }

    func testContainsStartsEnds() {
        XCTAssertTrue(sigmaMatches(webRule("selection:\n  cs-uri-query|contains: passwd"), web("/x?f=/etc/PASSWD")))
        XCTAssertFalse(sigmaMatches(webRule("selection:\n  cs-uri-query|contains: passwd"), web("/x?f=/etc/hosts")))
        XCTAssertTrue(sigmaMatches(webRule("selection:\n  cs-uri-stem|startswith: /wp-"), web("/wp-login.php")))
        XCTAssertFalse(sigmaMatches(webRule("selection:\n  cs-uri-stem|startswith: /wp-"), web("/blog/wp-login.php")))
        XCTAssertTrue(sigmaMatches(webRule("selection:\n  cs-uri-stem|endswith: .bak"), web("/db.sql.bak")))
        XCTAssertFalse(sigmaMatches(webRule("selection:\n  cs-uri-stem|endswith: .bak"), web("/db.bak.sql")))
    }

    func testListsAndAll() {
        let anyOf = webRule("selection:\n  cs-uri-query|contains:\n    - union\n    - sleep(")
        XCTAssertTrue(sigmaMatches(anyOf, web("/?a=sleep(1)")))
        XCTAssertFalse(sigmaMatches(anyOf, web("/?a=nap")))
        let allOf = webRule("selection:\n  cs-uri-query|contains|all:\n    - union\n    - select")
        XCTAssertTrue(sigmaMatches(allOf, web("/?a=union%20select")))
        XCTAssertFalse(sigmaMatches(allOf, web("/?a=union")))
        let listOfMaps = webRule("selection:\n  - cs-method: PUT\n  - cs-uri-stem|endswith: .jsp")
        XCTAssertTrue(sigmaMatches(listOfMaps, web("/x", method: "PUT")))
        XCTAssertTrue(sigmaMatches(listOfMaps, web("/a.jsp")))
        XCTAssertFalse(sigmaMatches(listOfMaps, web("/a.php")))
    }

    func testRegex() {
        let cased = webRule("selection:\n  cs-uri-query|re: 'id=[0-9]+_UNION'")
        XCTAssertTrue(sigmaMatches(cased, web("/?id=12_UNION")))
        XCTAssertFalse(sigmaMatches(cased, web("/?id=12_union")))  // re is case-sensitive
        let caseless = webRule("selection:\n  cs-uri-query|re|i: 'id=[0-9]+_UNION'")
        XCTAssertTrue(sigmaMatches(caseless, web("/?id=12_union")))
        // A backreference Hyperscan cannot compile falls back to NSRegularExpression.
        let backref = webRule(#"selection:\n  cs-uri-query|re: '(ab)\1'"#.replacingOccurrences(of: "\\n", with: "\n"))
        XCTAssertTrue(sigmaMatches(backref, web("/?x=abab")))
        XCTAssertFalse(sigmaMatches(backref, web("/?x=abba")))
    }

    func testCIDR() {
        let r = webRule("selection:\n  c-ip|cidr:\n    - 203.0.113.0/24\n    - 2001:db8::/32")
        XCTAssertTrue(sigmaMatches(r, web("/")))
        XCTAssertFalse(sigmaMatches(r, accessLine("198.51.100.1", request: "GET / HTTP/1.1")))
        XCTAssertTrue(sigmaMatches(r, accessLine("2001:db8::5", request: "GET / HTTP/1.1")))
    }

    func testBase64AndOffsets() {
        let plain = webRule("selection:\n  cs-uri-query|base64|contains: whoami")   // d2hvYW1p
        XCTAssertTrue(sigmaMatches(plain, web("/?c=d2hvYW1p")))
        XCTAssertFalse(sigmaMatches(plain, web("/?c=whoami")))
        let offset = webRule("selection:\n  cs-uri-query|base64offset|contains: /bin/sh")
        for encoded in ["L2Jpbi9zaA", "IC9iaW4vc2g", "ICAvYmluL3No"] {  // "/bin/sh" at offsets 0, 1, 2
            XCTAssertTrue(sigmaMatches(offset, web("/?c=\(encoded)")), encoded)
        }
        XCTAssertFalse(sigmaMatches(offset, web("/?c=L2Jpbi9iYXNo")))  // "/bin/bash"
        let wide = webRule("selection:\n  cs-uri-query|wide|base64offset|contains: IEX")  // UTF-16LE, as PowerShell -enc
        XCTAssertTrue(sigmaMatches(wide, web("/?c=SQBFAFgA")))
        XCTAssertFalse(sigmaMatches(wide, web("/?c=SUVY")))
    }

    func testWindash() {
        let r = webRule("selection:\n  cs-user-agent|windash|contains: ' -enc '")
        XCTAssertTrue(sigmaMatches(r, web("/", agent: "powershell -enc x")))
        XCTAssertTrue(sigmaMatches(r, web("/", agent: "powershell /enc x")))
        XCTAssertTrue(sigmaMatches(r, web("/", agent: "powershell \u{2013}enc x")))  // en dash
        XCTAssertFalse(sigmaMatches(r, web("/", agent: "powershell enc x")))
    }

    func testExists() {
        let yes = webRule("selection:\n  cs-referer|exists: true")
        XCTAssertTrue(sigmaMatches(yes, web("/", referer: "https://x.example/")))
        XCTAssertFalse(sigmaMatches(yes, web("/")))
        let no = webRule("selection:\n  cs-referer|exists: false")
        XCTAssertTrue(sigmaMatches(no, web("/")))
    }

    func testNumericComparisons() {
        XCTAssertTrue(sigmaMatches(webRule("selection:\n  sc-bytes|gt: 1000000"), web("/", bytes: 2_000_000)))
        XCTAssertFalse(sigmaMatches(webRule("selection:\n  sc-bytes|gt: 1000000"), web("/", bytes: 1_000_000)))
        XCTAssertTrue(sigmaMatches(webRule("selection:\n  sc-bytes|gte: 1000000"), web("/", bytes: 1_000_000)))
        XCTAssertTrue(sigmaMatches(webRule("selection:\n  sc-status|lt: 300"), web("/", status: 204)))
        XCTAssertFalse(sigmaMatches(webRule("selection:\n  sc-status|lt: 300"), web("/", status: 404)))
        XCTAssertTrue(sigmaMatches(webRule("selection:\n  sc-status|lte: 404"), web("/", status: 404)))
        XCTAssertFalse(sigmaMatches(webRule("selection:\n  sc-status|gte: 500"), web("/", status: 499)))
    }

    func testCased() {
        let r = webRule("selection:\n  cs-uri-query|cased|contains: SELECT")
        XCTAssertTrue(sigmaMatches(r, web("/?q=SELECT")))
        XCTAssertFalse(sigmaMatches(r, web("/?q=select")))
    }

    func testFieldref() {
        let rule = """
        title: su to the same user
        logsource:
          product: linux
          service: auth
        detection:
          selection:
            user|fieldref: target_user
          condition: selection
        """
        XCTAssertTrue(sigmaMatches(rule, "Jan 15 10:00:00 h su: pam_unix(su:session): session opened for user bob(uid=1000) by bob(uid=1000)", format: .syslog))
        XCTAssertFalse(sigmaMatches(rule, "Jan 15 10:00:00 h su: pam_unix(su:session): session opened for user root(uid=0) by bob(uid=1000)", format: .syslog))
        let startswith = webRule("selection:\n  cs-referer|fieldref|startswith: c-ip")
        XCTAssertTrue(sigmaMatches(startswith, web("/", referer: "203.0.113.50/x")))
        XCTAssertFalse(sigmaMatches(startswith, web("/", referer: "https://other/")))
    }

    func testNullAndEmpty() {
        let null = webRule("selection:\n  cs-uri-stem: /\n  cs-referer: null")
        XCTAssertTrue(sigmaMatches(null, web("/")))
        XCTAssertFalse(sigmaMatches(null, web("/", referer: "https://x/")))
        let empty = webRule("selection:\n  query: ''")
        XCTAssertTrue(sigmaMatches(empty, web("/nothing")))
        XCTAssertFalse(sigmaMatches(empty, web("/x?y=1")))
    }

    func testKeywords() {
        let r = """
        title: keywords
        logsource:
          product: linux
        detection:
          keywords:
            - 'Accepted publickey for root'
            - 'POSSIBLE BREAK-IN'
          condition: keywords
        """
        XCTAssertTrue(sigmaMatches(r, "Jan 15 10:00:00 h sshd[1]: Accepted publickey for root from 1.2.3.4 port 2 ssh2", format: .syslog))
        XCTAssertTrue(sigmaMatches(r, "Jan 15 10:00:00 h sshd[1]: reverse mapping checking getaddrinfo for x [1.2.3.4] failed - possible break-in attempt!", format: .syslog))
        XCTAssertFalse(sigmaMatches(r, "Jan 15 10:00:00 h sshd[1]: Accepted publickey for bob from 1.2.3.4 port 2 ssh2", format: .syslog))
        let all = """
        title: all keywords
        logsource:
          product: linux
        detection:
          keywords:
            '|all':
              - sshd
              - root
          condition: keywords
        """
        XCTAssertTrue(sigmaMatches(all, "Jan 15 10:00:00 h sshd[1]: Failed password for root from 1.2.3.4 port 2 ssh2", format: .syslog))
        XCTAssertFalse(sigmaMatches(all, "Jan 15 10:00:00 h sshd[1]: Failed password for bob from 1.2.3.4 port 2 ssh2", format: .syslog))
    }

    func testYAMLScalarsKeepTheirText() {
        // YAML 1.1 would read 1.10 as 1.1, 010 as 8 and "on" as true.
        XCTAssertTrue(sigmaMatches(webRule("selection:\n  cs-uri-stem: /v/1.10"), web("/v/1.10")))
        XCTAssertFalse(sigmaMatches(webRule("selection:\n  cs-uri-stem: /v/1.10"), web("/v/1.1")))
        XCTAssertTrue(sigmaMatches(webRule("selection:\n  cs-uri-query|endswith: =010"), web("/?a=010")))
        XCTAssertTrue(sigmaMatches(webRule("selection:\n  cs-uri-query|endswith: on"), web("/?a=on")))
        XCTAssertFalse(sigmaMatches(webRule("selection:\n  cs-uri-query|endswith: on"), web("/?a=true")))
    }

    func testLogsourceDecidesWhereARuleApplies() {
        let linux = """
        title: linux only
        logsource:
          product: linux
          service: sshd
        detection:
          selection:
            message|contains: Accepted
          condition: selection
        """
        XCTAssertTrue(sigmaMatches(linux, "Jan 15 10:00:00 h sshd[1]: Accepted password for bob from 1.2.3.4 port 2 ssh2", format: .syslog))
        XCTAssertFalse(sigmaMatches(linux, "Jan 15 10:00:00 h sudo: Accepted something", format: .syslog))
        let windows = """
        title: windows
        logsource:
          product: windows
          service: security
        detection:
          selection:
            EventID: 4625
          condition: selection
        """
        let e = sigmaEngine([windows])
        XCTAssertEqual(e.rules.count, 1)
        XCTAssertEqual(e.activeRuleCount, 0)
    }
}
