import DSToolKit
import Foundation

/// What an evidence item is for the checks (an item can be several things: a CSV in a test
/// folder inside a backup is a table, a test dataset and backup content).
public struct ItemRoles: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let table = ItemRoles(rawValue: 1 << 0)
    public static let config = ItemRoles(rawValue: 1 << 1)
    public static let log = ItemRoles(rawValue: 1 << 2)
    public static let document = ItemRoles(rawValue: 1 << 3)
    public static let backup = ItemRoles(rawValue: 1 << 4)
    /// An entry of a backup archive.
    public static let inBackup = ItemRoles(rawValue: 1 << 5)
    public static let testDataset = ItemRoles(rawValue: 1 << 6)
    /// Holds data (not a configuration, log or document): tables, exports, shares.
    public static let dataFile = ItemRoles(rawValue: 1 << 7)
    public static let crypto = ItemRoles(rawValue: 1 << 8)
}

/// Personal data found in one item or column: count of validated values per kind.
public struct PIFacts: Hashable, Sendable {
    public var counts: [String: Int] = [:]
    /// False when the scan stopped once the checks had their answer: counts are lower bounds.
    public var complete = true
    public init(counts: [String: Int] = [:]) { self.counts = counts }
    public var isEmpty: Bool { counts.values.allSatisfy { $0 == 0 } }
    public func count(of kinds: Set<String>?) -> Int {
        counts.reduce(0) { $0 + ((kinds == nil || kinds!.contains($1.key)) ? $1.value : 0) }
    }
    public func kinds(in filter: Set<String>?) -> [String] {
        counts.filter { $0.value > 0 && (filter == nil || filter!.contains($0.key)) }.map(\.key).sorted()
    }
    mutating func add(_ other: PIFacts) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
        complete = complete && other.complete
    }
    /// Per kind, the larger count (the same values seen by the file scan and by column sampling);
    /// a lower bound on either side makes the result one.
    mutating func takeLarger(_ other: PIFacts) {
        for (k, v) in other.counts { counts[k] = max(counts[k] ?? 0, v) }
        complete = complete && other.complete
    }
}

/// One input item as the checks see it.
public struct EvidenceItem: Sendable {
    public var name: String
    public var chain: [String]
    /// Permission bits; nil when the container did not record them (zip, stdin).
    public var mode: UInt32?
    public var size: Int64?
    public var mtime: Int64?
    public var inArchive: Bool
    public var roles: ItemRoles
    /// Personal data found by the full scan; nil when the item was not scanned.
    public var pi: PIFacts?
    /// How the item itself is encrypted, if it is (age, dstool envelope, encrypted zip entry...).
    public var encryption: String?

    public var othersCanRead: Bool { (mode ?? 0) & 0o004 != 0 }
    public var groupCanRead: Bool { (mode ?? 0) & 0o040 != 0 }
    /// The top-level input the item came from (the archive it sits in, or itself).
    public var topLevel: String { chain.first ?? name }
}

public struct ColumnEvidence: Sendable {
    public var name: String
    public var nonEmpty = 0
    public var pi = PIFacts()
    /// Password-hash classes seen (only for columns whose name says they hold passwords).
    public var passwordLike = false
    public var hashClasses: [PasswordHashClass: Int] = [:]
    public init(name: String) { self.name = name; passwordLike = PasswordColumns.isPasswordColumn(name) }
}

/// A table (CSV/TSV file, SQLite table, or table of an SQL dump), classified from sampled rows.
public struct TableEvidence: Sendable {
    public var item: String
    public var table: String?
    public var format: String
    public var rowsSampled = 0
    public var columns: [ColumnEvidence]
    public var roles: ItemRoles
}

public enum ConfigType: String, CaseIterable, Sendable {
    case sshd, loginDefs = "login.defs", pwquality, logrotate, journald, auditd, nginx

    /// How repeated settings combine: sshd keeps the first value, most others the last;
    /// nginx directives are judged wherever they occur.
    enum Precedence { case first, last, every }
    var precedence: Precedence {
        switch self {
        case .sshd: return .first
        case .nginx, .logrotate: return .every
        default: return .last
        }
    }
    var caseInsensitiveKeys: Bool { self == .sshd }
}

public struct ConfigEntry: Sendable {
    public var key: String
    public var value: String
    public var line: Int
    /// Section or block, e.g. `Journal`, `server > location /`, `/var/log/nginx/*.log`.
    public var context: String
}

public struct ConfigFileEvidence: Sendable {
    public var type: ConfigType
    public var item: String
    /// Files of one system (one `etc/` tree) are judged together.
    public var group: String
    /// A drop-in (`sshd_config.d/*.conf`, `journald.conf.d/*.conf`...).
    public var isDropIn: Bool
    public var entries: [ConfigEntry]
    /// logrotate only: the blocks with their retention settings.
    public var logrotate: LogrotateConfig?
}

public struct LogEvidence: Sendable {
    public var item: String
    /// Oldest timestamp seen in the item (seconds since the epoch) and its line.
    public var oldest: Int64?
    public var oldestLine: Int?
    public var linesExamined = 0
}

public struct DocumentEvidence: Sendable {
    public var item: String
    public var kinds: [DocumentKind]
    public var date: Day?
    public var dateSource: LocalizedText?
    public var dateLine: Int?
}

public struct BackupEvidence: Sendable {
    public var item: String
    public var encryption: String?
    public var entries = 0
    public var encryptedEntries = 0
    public var pi = PIFacts()
    public var piItems: [String] = []
    public var scanned = false
}

public struct UnreadableEvidence: Sendable {
    public var item: String
    public var roles: ItemRoles
    public var configType: ConfigType?
    public var reason: String
}

/// Everything collected from the evidence folder, evaluated at the end.
public final class Evidence: @unchecked Sendable {
    public var inputs: [String] = []
    public var items: [EvidenceItem] = []
    public var tables: [TableEvidence] = []
    public var configs: [ConfigFileEvidence] = []
    public var logs: [LogEvidence] = []
    public var documents: [DocumentEvidence] = []
    public var backups: [BackupEvidence] = []
    public var crypto = CryptoEvidence()
    public var unreadable: [UnreadableEvidence] = []
    public init() {}

    /// Items whose reading failed and that play one of `roles` (or configure `configType`).
    func unreadable(roles: ItemRoles, configType: ConfigType? = nil) -> [UnreadableEvidence] {
        unreadable.filter { u in
            if let configType { return u.configType == configType }
            return !u.roles.isDisjoint(with: roles)
        }
    }

    func configs(of type: ConfigType) -> [ConfigFileEvidence] { configs.filter { $0.type == type } }
}

/// What the crypto-audit engine judged in the evidence (configurations, certificates, keys).
public struct CryptoEvidence: Sendable {
    /// Items the engine examined.
    public var examined = 0
    public var observations: [CryptoObservation] = []
}

public struct CryptoObservation: Sendable {
    public var item: String
    public var line: Int?
    public var ruleId: String
    public var severity: Severity
    public var message: LocalizedText
    /// The engine's class of what was observed: national, acceptable, weak, forbidden, unknown.
    public var classification: String
}
