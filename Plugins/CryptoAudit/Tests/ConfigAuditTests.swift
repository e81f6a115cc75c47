import DSToolKit
import XCTest
@testable import DSToolCryptoAudit

/// Server and system configuration through the public engine API (what `dstool comply` calls).
final class ConfigAuditTests: XCTestCase {
    /// "rule line algorithm" per finding, in order.
    func audit(_ name: String, _ text: String) -> [String] {
        CryptoAuditEngine.auditConfig(name: name, text: text).map { f in
            "\(f.ruleId) \(f.location.line ?? 0) \(f.properties?["algorithm"]?.stringValue ?? "-")"
        }
    }

    func testNginxProtocolsCiphersAndComments() {
        let conf = """
        http {
          # ssl_protocols SSLv3;   (a comment enables nothing)
          server {
            listen 443 ssl;
            ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
            ssl_ciphers 'HIGH:!aNULL:!MD5';
            ssl_ecdh_curve secp192r1:prime256v1;
          }
        }
        """
        XCTAssertEqual(audit("etc/nginx/nginx.conf", conf), [
            "crypto.protocol.weak 5 TLSv1.0", "crypto.protocol.weak 5 TLSv1.1", "crypto.key.size 7 ECDH-secp192r1",
        ])
        let good = "server { ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384; }"
        XCTAssertEqual(audit("nginx.conf", good), [])
    }

    func testNginxCipherListWithWeakSuitesIsOneFinding() {
        let f = CryptoAuditEngine.auditConfig(name: "nginx.conf", text: "ssl_ciphers RC4-SHA:DES-CBC3-SHA:ECDHE-RSA-AES128-GCM-SHA256;")
        XCTAssertEqual(f.map(\.ruleId), ["crypto.tls.cipher-suite"])
        XCTAssertEqual(f.first?.severity, .high)
        XCTAssertTrue(f.first?.message?.en.contains("RC4-SHA") ?? false)
        XCTAssertTrue(f.first?.message?.en.contains("DES-CBC3-SHA") ?? false)
        XCTAssertEqual(f.first?.references, ["GB/T 39786-2021 5 通用要求", "GB/T 39786-2021 8.2 网络和通信安全", "商用密码应用安全性评估 高风险判定指引"])
        XCTAssertEqual(f.first?.cwe, ["CWE-327"])
    }

    func testSecurityLevelZeroIsReported() {
        let f = audit("nginx.conf", "ssl_ciphers 'DEFAULT:@SECLEVEL=0';")
        XCTAssertTrue(f.contains("crypto.tls.policy 1 -"), "\(f)")
    }

    func testApacheProtocolArithmetic() {
        XCTAssertEqual(ConfigAuditor.apacheProtocols(["all", "-SSLv3"]), [.tls10, .tls11, .tls12, .tls13])
        XCTAssertEqual(ConfigAuditor.apacheProtocols(["all", "-TLSv1", "-TLSv1.1"]), [.tls12, .tls13])
        XCTAssertEqual(ConfigAuditor.apacheProtocols(["-all", "+TLSv1.2"]), [.tls12])
        XCTAssertEqual(ConfigAuditor.apacheProtocols(["TLSv1.2"]), [.tls12])
        let conf = """
        <VirtualHost *:443>
          SSLEngine on
          SSLProtocol all -SSLv3
          SSLCipherSuite HIGH:!aNULL
          SSLProxyVerify none
        </VirtualHost>
        """
        XCTAssertEqual(audit("etc/httpd/conf.d/ssl.conf", conf), [
            "crypto.protocol.weak 3 TLSv1.0", "crypto.protocol.weak 3 TLSv1.1", "crypto.tls.no-cert-validation 5 -",
        ])
        XCTAssertEqual(audit("etc/apache2/sites-enabled/a.conf", "SSLProtocol -all +TLSv1.2 +TLSv1.3\n"), [])
    }

    func testHAProxy() {
        let conf = """
        global
            ssl-default-bind-ciphers ECDHE-RSA-AES128-GCM-SHA256
            ssl-default-bind-options ssl-min-ver TLSv1.0
        frontend web
            bind :443 ssl crt /etc/haproxy/site.pem
        backend app
            server s1 10.0.0.1:443 ssl verify none
        """
        XCTAssertEqual(audit("haproxy.cfg", conf), [
            "crypto.protocol.weak 3 TLSv1.0", "crypto.protocol.weak 3 TLSv1.1", "crypto.tls.no-cert-validation 7 -",
        ])
        XCTAssertEqual(audit("haproxy.cfg", "global\n  ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets\nbackend b\n  server s 1.2.3.4:443 ssl verify required ca-file ca.pem\n"), [])
    }

    func testSSHD() {
        let conf = """
        # Ciphers arcfour in a comment
        Protocol 2,1
        Ciphers aes256-ctr,3des-cbc,arcfour256
        MACs hmac-sha2-256-etm@openssh.com,hmac-md5
        KexAlgorithms -diffie-hellman-group1-sha1
        HostKeyAlgorithms +ssh-dss
        """
        XCTAssertEqual(audit("etc/ssh/sshd_config", conf), [
            "crypto.protocol.weak 2 SSH-1", "crypto.ssh.algorithm 3 3des-cbc", "crypto.ssh.algorithm 3 arcfour256",
            "crypto.ssh.algorithm 4 hmac-md5", "crypto.ssh.algorithm 6 ssh-dss",
        ])
        let f = CryptoAuditEngine.auditConfig(name: "sshd_config", text: "Ciphers arcfour\n")
        XCTAssertEqual(f.first?.references?[1], "GB/T 39786-2021 8.3 设备和计算安全")
        XCTAssertEqual(audit("sshd_config", "Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com\nMACs hmac-sha2-512-etm@openssh.com\n"), [])
    }

    func testOpenSSLCnf() {
        let conf = """
        openssl_conf = init
        [system_default_sect]
        MinProtocol = TLSv1
        CipherString = DEFAULT@SECLEVEL=1
        [ req ]
        default_bits = 1024
        default_md = sha1
        """
        XCTAssertEqual(audit("etc/ssl/openssl.cnf", conf), [
            "crypto.protocol.weak 3 TLSv1.0", "crypto.protocol.weak 3 TLSv1.1", "crypto.tls.policy 4 -",
            "crypto.key.size 6 RSA-1024", "crypto.hash.weak 7 SHA-1",
        ])
        XCTAssertEqual(audit("openssl.cnf", "[system_default_sect]\nMinProtocol = TLSv1.2\nCipherString = DEFAULT@SECLEVEL=2\n[req]\ndefault_bits = 3072\ndefault_md = sm3\n"), [])
    }

    func testJavaSecurity() {
        let weak = """
        jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, \\
            MD5withRSA, DH keySize < 1024, 3DES_EDE_CBC, anon, NULL
        jdk.certpath.disabledAlgorithms=MD2, MD5, RSA keySize < 1024
        """
        XCTAssertEqual(audit("conf/security/java.security", weak), [
            "crypto.protocol.weak 1 TLSv1.0", "crypto.protocol.weak 1 TLSv1.1", "crypto.tls.policy 1 -", "crypto.tls.policy 3 -",
        ])
        let strong = "jdk.tls.disabledAlgorithms=SSLv3, TLSv1, TLSv1.1, RC4, DES, 3DES_EDE_CBC, anon, NULL, DH keySize < 2048\njdk.certpath.disabledAlgorithms=MD2, MD5, SHA1, RSA keySize < 2048\n"
        XCTAssertEqual(audit("java.security", strong), [])
    }

    func testTomcatServerXML() {
        let xml = """
        <Server port="8005">
          <!-- <Connector port="8443" sslEnabledProtocols="SSLv3"/> -->
          <Connector port="8080" protocol="HTTP/1.1"/>
          <Connector port="8443" protocol="org.apache.coyote.http11.Http11NioProtocol" SSLEnabled="true"
                     sslEnabledProtocols="TLSv1,TLSv1.2" keystorePass="changeit"
                     ciphers="TLS_RSA_WITH_RC4_128_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"/>
          <Connector port="9443" SSLEnabled="true">
            <SSLHostConfig protocols="TLSv1.2+TLSv1.3" keystorePass="${ks.pass}"/>
          </Connector>
        </Server>
        """
        XCTAssertEqual(audit("conf/server.xml", xml), [
            "crypto.protocol.weak 4 TLSv1.0", "crypto.tls.cipher-suite 4 ciphers", "crypto.password.hardcoded 4 -",
        ].map { $0.replacingOccurrences(of: " ciphers", with: " TLS_RSA_WITH_RC4_128_SHA:TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") })
        let f = CryptoAuditEngine.auditConfig(name: "server.xml", text: xml).first { $0.ruleId == "crypto.password.hardcoded" }
        XCTAssertFalse(f?.evidence?.contains("changeit") ?? true, "the password must not be printed")
    }

    func testDialectDetectionByContent() {
        XCTAssertEqual(CryptoAuditEngine.configDialect(name: "site.conf", text: "server {\n ssl_protocols TLSv1.2;\n}"), .nginx)
        XCTAssertEqual(CryptoAuditEngine.configDialect(name: "x.conf", text: "SSLProtocol all\n"), .apache)
        XCTAssertEqual(CryptoAuditEngine.configDialect(name: "hardening", text: "# comment\nCiphers aes256-ctr\n"), .sshd)
        XCTAssertNil(CryptoAuditEngine.configDialect(name: "notes.conf", text: "nothing to see"))
        XCTAssertEqual(CryptoAuditEngine.auditConfig(name: "notes.txt", text: "ssl_protocols? no"), [])
    }

    func testTLSSettingsAPI() {
        let loc = Location(input: "policy.yaml", line: 3)
        let f = CryptoAuditEngine.auditTLSSettings(protocols: ["TLSv1.2", "tlsv1"], cipherString: "DES-CBC3-SHA:ECDHE-RSA-AES128-GCM-SHA256", location: loc)
        XCTAssertEqual(f.map(\.ruleId), ["crypto.protocol.weak", "crypto.tls.cipher-suite"])
        XCTAssertEqual(f.map(\.severity), [.high, .medium])
        XCTAssertEqual(f.first?.location.line, 3)
        XCTAssertEqual(CryptoAuditEngine.auditTLSSettings(protocols: ["TLSv1.3"], cipherString: "ECDHE-SM4-SM3", location: loc), [])
    }

    func testGarbageConfigIsHarmless() {
        var bytes = [UInt8]()
        var x: UInt32 = 7
        for _ in 0..<20000 { x = x &* 1103515245 &+ 12345; bytes.append(UInt8(x >> 24)) }
        let text = "ssl_protocols " + String(decoding: bytes, as: UTF8.self) + "\nSSLProtocol \u{0}\u{1}"
        _ = CryptoAuditEngine.auditConfig(name: "nginx.conf", text: text)
        _ = CryptoAuditEngine.auditConfig(name: "server.xml", text: "<Connector sslEnabledProtocols=\"TLSv1")  // unterminated
        _ = CryptoAuditEngine.auditConfig(name: "sshd_config", text: "Ciphers\nMACs ,,,\n")
        // An empty list disables nothing: everything it should disable is reported.
        XCTAssertEqual(audit("java.security", "jdk.tls.disabledAlgorithms=\\").count, 8)
    }
}
