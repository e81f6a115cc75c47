import CDSToolCrypto
import CDSToolTLS
import DSToolKit
import FoundationEssentials
import Glibc

/// Probes a live TLS endpoint: which protocol versions it accepts (SSLv3 and TLS 1.0–1.3, as far
/// as this machine's OpenSSL can speak them), which cipher suites (server-preference enumeration:
/// offer all, note the choice, remove it, repeat), and its certificate chain. Every connection
/// step has a timeout; a silent or closed endpoint is an error for that target only.
struct TLSProbe {
    let target: String
    let timeout: Double
    let serverName: String?

    struct Result {
        var observations: [Observation] = []
        var errors: [String] = []
        var summary: DataRecord?
    }

    enum Outcome {
        case accepted(version: String, cipher: String, chain: [CertificateInfo])
        case rejected(String)
        case unsupportedLocally(String)
        case unreachable(String)
    }

    static func splitHostPort(_ s: String) -> (host: String, port: UInt16)? {
        if s.hasPrefix("["), let close = s.firstIndex(of: "]") {
            let host = String(s[s.index(after: s.startIndex)..<close])
            let rest = s[s.index(after: close)...]
            guard rest.hasPrefix(":"), let p = UInt16(rest.dropFirst()), p > 0 else { return nil }
            return (host, p)
        }
        guard let colon = s.lastIndex(of: ":"), !s[..<colon].contains(":") else { return nil }
        let host = String(s[..<colon])
        guard !host.isEmpty, let p = UInt16(s[s.index(after: colon)...]), p > 0 else { return nil }
        return (host, p)
    }

    static let versions: [(ProtocolVersion, Int32)] = [
        (.ssl3, SSL3_VERSION), (.tls10, TLS1_VERSION), (.tls11, TLS1_1_VERSION), (.tls12, TLS1_2_VERSION), (.tls13, TLS1_3_VERSION),
    ]

    func run() -> Result {
        var r = Result()
        guard let (host, port) = Self.splitHostPort(target) else { r.errors.append("not HOST:PORT"); return r }
        let loc = Location(input: "tls:\(target)")
        var accepted: [String: [String]] = [:]
        var rejected: [String] = []
        var untestable: [String] = []
        var chain: [CertificateInfo] = []
        for (v, code) in Self.versions {
            switch handshake(host: host, port: port, version: code, offer: nil) {
            case .unreachable(let why):
                r.errors.append(why)
                return r
            case .unsupportedLocally:
                untestable.append(v.rawValue)
            case .rejected:
                rejected.append(v.rawValue)
            case .accepted(_, let cipher, let certs):
                if chain.isEmpty { chain = certs }
                var suites = [cipher]
                // Enumerate the rest: offer everything but what was already chosen.
                var offer = localSuites(version: code).filter { $0 != cipher }
                var rounds = 0
                while !offer.isEmpty && rounds < 80 {
                    rounds += 1
                    guard case .accepted(_, let c, _) = handshake(host: host, port: port, version: code, offer: offer), !suites.contains(c) else { break }
                    suites.append(c)
                    offer.removeAll { $0 == c }
                }
                accepted[v.rawValue] = suites
                r.observations.append(Observation(.protocolVersion(v), layer: .network, location: loc,
                                                  evidence: "\(target) accepts \(v.rawValue)", source: "tls-probe"))
                for s in suites {
                    r.observations.append(Observation(.cipherSuite(CipherSuiteCatalog.judge(s)), layer: .network, location: loc,
                                                      evidence: "\(target) accepts \(s) with \(v.rawValue)", source: "tls-probe"))
                }
            }
        }
        for (i, c) in chain.enumerated() {
            var l = loc
            l.row = Int64(i)
            r.observations.append(Observation(.certificate(c), layer: .network, location: l,
                                              evidence: "\(target) chain[\(i)]: \(c.subject) (issuer \(c.issuer); \(c.signatureAlgorithm); \(c.key.displayName))",
                                              source: "tls-probe"))
        }
        let versionsJSON: [String: JSONValue] = accepted.mapValues { .array($0.map { .string($0) }) }
        let en = "tls \(target): accepts \(accepted.keys.sorted().joined(separator: ", ").nonEmpty ?? "nothing")"
            + (rejected.isEmpty ? "" : "; refuses \(rejected.joined(separator: ", "))")
            + (untestable.isEmpty ? "" : "; not testable with this OpenSSL: \(untestable.joined(separator: ", "))")
        let zh = "tls \(target)：接受 \(accepted.keys.sorted().joined(separator: "、").nonEmpty ?? "无")"
            + (rejected.isEmpty ? "" : "；拒绝 \(rejected.joined(separator: "、"))")
            + (untestable.isEmpty ? "" : "；本机 OpenSSL 无法测试 \(untestable.joined(separator: "、"))")
        r.summary = DataRecord(kind: "cryptoaudit.tls", text: LocalizedText(en: en, zh: zh), value: .object([
            "target": .string(target), "accepted": .object(versionsJSON),
            "refused": .array(rejected.map { .string($0) }), "untestable": .array(untestable.map { .string($0) }),
            "chain": .array(chain.map { .string($0.subject) }),
        ]))
        return r
    }

    /// The suites this OpenSSL can offer for a version (security level 0: everything it has).
    func localSuites(version: Int32) -> [String] {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { return [] }
        defer { SSL_CTX_free(ctx) }
        SSL_CTX_set_security_level(ctx, 0)
        _ = SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
        return configuredSuites(ctx, version: version)
    }

    private func configuredSuites(_ ctx: OpaquePointer, version: Int32) -> [String] {
        guard let sk = SSL_CTX_get_ciphers(ctx) else { return [] }
        var out: [String] = []
        for i in 0..<dstool_sk_ssl_cipher_num(sk) {
            guard let c = dstool_sk_ssl_cipher_value(sk, i), let n = SSL_CIPHER_get_name(c) else { continue }
            let name = String(cString: n)
            let isTLS13 = name.hasPrefix("TLS_")
            if (version == TLS1_3_VERSION) == isTLS13 { out.append(name) }
        }
        return out
    }

    func handshake(host: String, port: UInt16, version: Int32, offer: [String]?) -> Outcome {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { return .unsupportedLocally("no SSL_CTX") }
        defer { SSL_CTX_free(ctx) }
        SSL_CTX_set_security_level(ctx, 0)
        guard dstool_ssl_ctx_set_min_proto(ctx, version) == 1, dstool_ssl_ctx_set_max_proto(ctx, version) == 1 else {
            ERR_clear_error()
            return .unsupportedLocally("version not built in")
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)  // an inventory, not a trust decision
        if version == TLS1_3_VERSION {
            let list = (offer ?? configuredSuites(ctx, version: version)).joined(separator: ":")
            if SSL_CTX_set_ciphersuites(ctx, list) != 1 { ERR_clear_error(); return .unsupportedLocally("no TLS 1.3 suites") }
        } else {
            let list = offer.map { $0.joined(separator: ":") + ":@SECLEVEL=0" } ?? "ALL:COMPLEMENTOFALL:@SECLEVEL=0"
            if SSL_CTX_set_cipher_list(ctx, list) != 1 { ERR_clear_error(); return .unsupportedLocally("no suites") }
        }
        let fd: Int32
        switch connect(host: host, port: port) {
        case .success(let s): fd = s
        case .failure(let e): return .unreachable(e.message)
        }
        defer { close(fd) }
        guard let ssl = SSL_new(ctx) else { return .unsupportedLocally("no SSL") }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, fd)
        let sni = serverName ?? host
        if !sni.isEmpty && inet_addr(sni) == INADDR_NONE && !sni.contains(":") { _ = dstool_ssl_set_tlsext_host_name(ssl, sni) }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let rc = SSL_connect(ssl)
            if rc == 1 { break }
            let err = SSL_get_error(ssl, rc)
            var events: Int16 = 0
            if err == SSL_ERROR_WANT_READ { events = Int16(POLLIN) }
            else if err == SSL_ERROR_WANT_WRITE { events = Int16(POLLOUT) }
            else {
                var buf = [CChar](repeating: 0, count: 256)
                dstool_openssl_last_error(&buf, buf.count)
                let reason = String(cString: buf)
                ERR_clear_error()
                if reason.contains("no protocols available") || reason.contains("no ciphers available") {
                    return .unsupportedLocally(reason)
                }
                return .rejected(reason.isEmpty ? "connection closed during the handshake" : reason)
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return .unreachable("no answer within \(Self.seconds(timeout)) during the TLS handshake (timed out)") }
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let pr = poll(&pfd, 1, Int32(max(1, left * 1000)))
            if pr == 0 { return .unreachable("no answer within \(Self.seconds(timeout)) during the TLS handshake (timed out)") }
            if pr < 0 && errno != EINTR { return .unreachable("poll failed: \(String(cString: strerror(errno)))") }
        }
        let v = String(cString: SSL_get_version(ssl))
        let cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "unknown"
        var chain: [CertificateInfo] = []
        if let sk = SSL_get_peer_cert_chain(ssl) {
            for i in 0..<dstool_sk_x509_num(sk) {
                if let x = dstool_sk_x509_value(sk, i) { chain.append(CertificateAnalyzer.certificateInfo(x, format: "TLS")) }
            }
        }
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
        return .accepted(version: v, cipher: cipher, chain: chain)
    }

    static func seconds(_ t: Double) -> String { t == t.rounded() ? "\(Int(t))s" : "\(t)s" }

    struct ConnectError: Error { let message: String }

    /// A TCP connection with the timeout applied to name resolution's result and to connect().
    func connect(host: String, port: UInt16) -> Swift.Result<Int32, ConnectError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let gai = getaddrinfo(host, String(port), &hints, &res)
        guard gai == 0, let first = res else {
            return .failure(ConnectError(message: "cannot resolve \(host): \(String(cString: gai_strerror(gai)))"))
        }
        defer { freeaddrinfo(res) }
        var lastError = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            defer { ai = a.pointee.ai_next }
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if fd < 0 { lastError = String(cString: strerror(errno)); continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var rc = Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen)
            if rc != 0 && errno == EINPROGRESS {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let pr = poll(&pfd, 1, Int32(timeout * 1000))
                if pr == 0 { close(fd); lastError = "connection timed out after \(Self.seconds(timeout))"; continue }
                var soErr: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soErr, &len)
                rc = soErr == 0 ? 0 : -1
                if soErr != 0 { errno = soErr }
            }
            if rc == 0 { return .success(fd) }
            lastError = String(cString: strerror(errno))
            close(fd)
        }
        return .failure(ConnectError(message: "cannot connect to \(host):\(port): \(lastError.lowercased())"))
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
