import DSToolKit

/// How GB/T 39786-2021 and the high-risk judgement guide (商用密码应用安全性评估 高风险判定指引)
/// class an algorithm, protocol or key: the order is from best to worst.
public enum AlgorithmClass: String, Codable, Sendable, CaseIterable, Comparable {
    /// SM2, SM3, SM4, SM9, ZUC and the protocols built on them (TLCP, RFC 8998 suites).
    case national
    /// Sound international algorithms (AES, SHA-2, RSA ≥ 2048, ...): secure, but not the approved national ones.
    case acceptable
    /// Deprecated or with too small a margin (3DES, Blowfish, TLS 1.1, ECB, ...).
    case weak
    /// High risk per the judgement guide (MD5, DES, SHA-1, RSA < 2048, SSL 2.0/3.0, TLS 1.0, SSH 1.0, ...).
    case forbidden
    /// Not recognised.
    case unknown

    /// Position in `allCases` (a switch: `allCases` is a new array on every call).
    var rank: Int {
        switch self {
        case .national: return 0
        case .acceptable: return 1
        case .weak: return 2
        case .forbidden: return 3
        case .unknown: return 4
        }
    }
    public static func < (a: AlgorithmClass, b: AlgorithmClass) -> Bool { a.rank < b.rank }

    public var label: LocalizedText {
        switch self {
        case .national: return LocalizedText(en: "approved national algorithm", zh: "国密算法（合规）")
        case .acceptable: return LocalizedText(en: "acceptable international algorithm", zh: "可接受的国际算法")
        case .weak: return LocalizedText(en: "weak", zh: "弱算法")
        case .forbidden: return LocalizedText(en: "forbidden (high risk)", zh: "禁用（高风险）")
        case .unknown: return LocalizedText(en: "unknown", zh: "未知")
        }
    }
}

/// The four technical layers of GB/T 39786-2021 that the coverage summary is reported by.
public enum SecurityLayer: String, Codable, Sendable, CaseIterable {
    /// 网络和通信安全: TLS/TLCP endpoints and the servers' TLS configuration.
    case network
    /// 设备和计算安全: remote management (SSH), system crypto policy, binaries and their libraries, keys on disk.
    case host
    /// 应用和数据安全, the application half: authentication, signatures, MACs, TLS clients, randomness in code.
    case application
    /// 应用和数据安全, the data half: encryption and integrity of stored and transmitted data in code.
    case data

    /// Position in `allCases`.
    var position: Int {
        switch self {
        case .network: return 0
        case .host: return 1
        case .application: return 2
        case .data: return 3
        }
    }

    public var zh: String {
        switch self {
        case .network: return "网络和通信"
        case .host: return "设备和计算"
        case .application: return "应用"
        case .data: return "数据"
        }
    }
}

/// Clause references named in every finding. Requirements differ by protection level: chapter 5 is
/// common to all levels, and the technical requirements of level N are in chapter N + 5 (level 3,
/// the usual target of 密评, is chapter 8).
public struct Clauses: Sendable {
    public var level: Int
    public init(level: Int = 3) { self.level = min(max(level, 1), 4) }

    var chapter: Int { level + 5 }
    public static let standard = "GB/T 39786-2021"
    public static let highRiskGuide = "商用密码应用安全性评估 高风险判定指引"

    /// Chapter 5: algorithms, techniques and products must follow the national standards.
    public var general: String { "\(Self.standard) 5 通用要求" }

    public func layer(_ layer: SecurityLayer) -> String {
        switch layer {
        case .network: return "\(Self.standard) \(chapter).2 网络和通信安全"
        case .host: return "\(Self.standard) \(chapter).3 设备和计算安全"
        case .application, .data: return "\(Self.standard) \(chapter).4 应用和数据安全"
        }
    }

    /// The references for a finding: the general clause, the layer's clause, and the high-risk guide
    /// when the problem is one the guide names.
    public func references(layer: SecurityLayer, highRisk: Bool) -> [String] {
        // Every finding carries these: made once per level, layer and risk, not per finding.
        guard (1...4).contains(level) else { return makeReferences(layer: layer, highRisk: highRisk) }
        return Self.referenceTable[(level - 1) * 8 + layer.position * 2 + (highRisk ? 1 : 0)]
    }

    private func makeReferences(layer: SecurityLayer, highRisk: Bool) -> [String] {
        var r = [general, self.layer(layer)]
        if highRisk { r.append(Self.highRiskGuide) }
        return r
    }

    /// `references` of levels 1–4, by (level - 1) * 8 + layer position * 2 + high risk.
    private static let referenceTable: [[String]] = (1...4).flatMap { level in
        SecurityLayer.allCases.flatMap { layer in
            [false, true].map { Clauses(level: level).makeReferences(layer: layer, highRisk: $0) }
        }
    }
}
