import DSToolCore
import DSToolKit
import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// Live TLS probing against `openssl s_server` on 127.0.0.1, and endpoints that refuse or stay silent.
final class TLSProbeTests: XCTestCase {
    /// A free TCP port on 127.0.0.1 (bound, read, released).
    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return UInt16(bigEndian: addr.sin_port)
    }

    /// Starts `openssl s_server` and waits until it accepts connections.
    func startServer(_ tree: TempTree, port: UInt16, args: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "exec openssl s_server -accept 127.0.0.1:\(port) -cert c.pem -key k.pem -www -quiet \(args) < /dev/null > server.log 2>&1"]
        p.currentDirectoryURL = URL(fileURLWithPath: tree.root)
        var env = ProcessInfo.processInfo.environment
        env["OPENSSL_CONF"] = "/dev/null"
        p.environment = env
        try p.run()
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = port.bigEndian
            let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            close(fd)
            if rc == 0 { return p }
            usleep(50_000)
        }
        p.terminate()
        throw XCTSkip("openssl s_server did not start: \((try? String(contentsOfFile: tree.path("server.log"), encoding: .utf8)) ?? "")")
    }

    func makeCert(_ tree: TempTree) {
        let r = tree.sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -subj /CN=localhost -days 365 -out c.pem")
        XCTAssertEqual(r.status, 0, r.output)
    }

    func testOldProtocolsAndANullSuite() throws {
        let tree = TempTree()
        makeCert(tree)
        let port = Self.freePort()
        let server = try startServer(tree, port: port, args: "-no_tls1_3 -cipher 'ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA:NULL-SHA256:@SECLEVEL=0'")
        defer { server.terminate(); server.waitUntilExit() }
        let target = "127.0.0.1:\(port)"
        let r = try runAudit(["--tls", target, "--tls-timeout", "5"])
        XCTAssertEqual(r.errors.map(\.line), [])
        let summary = try XCTUnwrap(r.data.first { $0.kind == "cryptoaudit.tls" }?.value)
        let accepted = summary["accepted"]?.objectValue ?? [:]
        XCTAssertEqual(accepted.keys.sorted(), ["TLSv1.0", "TLSv1.1", "TLSv1.2"])
        XCTAssertEqual(Set(accepted["TLSv1.2"]?.arrayValue?.compactMap(\.stringValue) ?? []), ["ECDHE-RSA-AES256-GCM-SHA384", "AES128-SHA", "NULL-SHA256"])
        XCTAssertEqual(accepted["TLSv1.0"]?.arrayValue?.compactMap(\.stringValue), ["AES128-SHA"])
        XCTAssertTrue(summary["refused"]?.arrayValue?.contains(.string("TLSv1.3")) ?? false)
        XCTAssertEqual(summary["chain"]?.arrayValue, [.string("CN=localhost")])
        XCTAssertEqual(r.findings.map { "\($0.ruleId) \($0.severity.rawValue) \($0.properties?["algorithm"]?.stringValue ?? "-")" }, [
            "crypto.protocol.weak high TLSv1.0", "crypto.protocol.weak medium TLSv1.1", "crypto.tls.cipher-suite high NULL-SHA256",
            "crypto.cert.self-signed medium -",
        ])
        XCTAssertEqual(Set(r.findings.map(\.location.input)), ["tls:\(target)"])
        XCTAssertEqual(r.findings.first?.references?[1], "GB/T 39786-2021 8.2 网络和通信安全")
    }

    func testTLS13Only() throws {
        let tree = TempTree()
        makeCert(tree)
        let port = Self.freePort()
        let server = try startServer(tree, port: port, args: "-tls1_3")
        defer { server.terminate(); server.waitUntilExit() }
        let r = try runAudit(["--no-inventory", "--tls", "127.0.0.1:\(port)"])
        let summary = try XCTUnwrap(r.data.first { $0.kind == "cryptoaudit.tls" }?.value)
        XCTAssertEqual(summary["accepted"]?.objectValue?.keys.sorted(), ["TLSv1.3"])
        XCTAssertEqual(Set(summary["accepted"]?["TLSv1.3"]?.arrayValue?.compactMap(\.stringValue) ?? []),
                       ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"])
        XCTAssertEqual(r.findings.map(\.ruleId), ["crypto.cert.self-signed"])
    }

    func testSilentEndpointTimesOutAndTheRunGoesOn() throws {
        // A socket that listens but never speaks: the TCP handshake completes, TLS never does.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        listen(fd, 8)
        let silent = "127.0.0.1:\(UInt16(bigEndian: addr.sin_port))"
        let refused = "127.0.0.1:\(Self.freePort())"
        let tree = TempTree(["nginx.conf": "ssl_protocols TLSv1;\n"])
        let start = Date()
        let r = try runAudit(["--no-inventory", "--fail-on", "none", "--tls-timeout", "1", "--tls", silent, "--tls", refused, tree.path("nginx.conf")])
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(r.errors.map(\.line), [
            "tls:\(silent): no answer within 1s during the TLS handshake (timed out)",
            "tls:\(refused): cannot connect to 127.0.0.1:\(refused.split(separator: ":")[1]): connection refused",
        ])
        XCTAssertEqual(r.findings.map(\.ruleId), ["crypto.protocol.weak"])  // the file was still audited
        XCTAssertEqual(r.exitCode, 3)
    }

    func testBadTargetIsAUsageError() throws {
        let r = try runAudit(["--tls", "no-port-here"])
        XCTAssertEqual(r.exitCode, 2)
        XCTAssertEqual(r.errors.map(\.reason), ["--tls: 'no-port-here' is not HOST:PORT"])
        XCTAssertEqual(TLSProbe.splitHostPort("[::1]:8443")?.port, 8443)
        XCTAssertEqual(TLSProbe.splitHostPort("example.cn:443")?.host, "example.cn")
        XCTAssertNil(TLSProbe.splitHostPort("example.cn:0"))
        XCTAssertNil(TLSProbe.splitHostPort("::1:443"))
    }
}
