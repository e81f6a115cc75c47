import DSToolKit

/// The server and system configuration files the audit reads.
public enum ConfigDialect: String, Sendable, CaseIterable, Codable {
    case nginx, apache, haproxy, sshd, openssl
    case javaSecurity = "java.security"
    case tomcat

    /// The GB/T 39786 layer the settings protect.
    var layer: SecurityLayer {
        switch self {
        case .nginx, .apache, .haproxy, .tomcat: return .network
        case .sshd, .openssl, .javaSecurity: return .host
        }
    }

    /// Picks the dialect from the file name, then from directives in the text (the head is enough).
    /// nil: not a configuration file this audit reads.
    public static func detect(name: String, text: Substring) -> ConfigDialect? {
        let base = name.split(separator: "/").last.map { String($0).lowercased() } ?? name.lowercased()
        let lowerPath = name.lowercased()
        if base.hasPrefix("sshd_config") || base.hasPrefix("ssh_config") { return .sshd }
        if base == "java.security" || base.hasSuffix(".java.security") { return .javaSecurity }
        if base == "openssl.cnf" || base.hasSuffix(".cnf") && text.contains("[") && (text.contains("MinProtocol") || text.contains("CipherString") || text.contains("default_md") || text.contains("default_bits")) { return .openssl }
        if base == "server.xml" || (base.hasSuffix(".xml") && text.contains("<Connector")) { return text.contains("<Connector") || text.contains("<Server") ? .tomcat : nil }
        if base.hasPrefix("haproxy") && (base.hasSuffix(".cfg") || base.hasSuffix(".conf")) { return .haproxy }
        if base == "nginx.conf" || lowerPath.contains("/nginx/") && base.hasSuffix(".conf") { return .nginx }
        if base == "httpd.conf" || base == "apache2.conf" || base == "ssl.conf" && lowerPath.contains("httpd") || lowerPath.contains("/apache2/") || lowerPath.contains("/httpd/") { return .apache }
        // By content: the first directive that only one dialect has decides.
        let head = text.prefix(256 * 1024)
        if head.contains("ssl_protocols") || head.contains("ssl_ciphers") || head.contains("proxy_ssl_") { return .nginx }
        if head.contains("SSLProtocol") || head.contains("SSLCipherSuite") || head.contains("SSLEngine") || head.contains("SSLProxyVerify") { return .apache }
        if head.contains("ssl-default-bind") || head.contains("ssl-min-ver") || (head.contains("frontend ") && head.contains("bind ")) { return .haproxy }
        if base.hasSuffix(".conf") || base.hasSuffix(".cfg") || !base.contains(".") {
            for key in ["\nCiphers ", "\nMACs ", "\nKexAlgorithms ", "\nHostKeyAlgorithms ", "\nPermitRootLogin "] where head.contains(key) { return .sshd }
        }
        if head.contains("jdk.tls.disabledAlgorithms") || head.contains("jdk.certpath.disabledAlgorithms") { return .javaSecurity }
        return nil
    }
}
