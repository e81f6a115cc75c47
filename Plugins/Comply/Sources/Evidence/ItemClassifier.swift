import DSToolKit
import Foundation

/// Tables the collector can sample.
enum TableFormat: Equatable {
    case delimited(UInt8)   // CSV, TSV, ...
    case sqlite
    case sqlDump
}

/// What an item is, decided from its name, its place in the folder and its type.
struct Classification {
    var roles: ItemRoles = []
    var configType: ConfigType?
    var configIsDropIn = false
    var configGroup = ""
    var table: TableFormat?
    var documentKinds: [DocumentKind] = []
}

enum ItemClassifier {
    static let testTokens: Set<String> = ["test", "tests", "testing", "dev", "develop", "development", "staging", "stage", "uat",
                                          "sit", "qa", "sandbox", "demo", "sample", "samples", "mock", "fixture", "fixtures", "preprod"]
    static let testWords: [String] = ["测试", "开发", "预发布", "演示", "样例"]
    static let backupTokens: Set<String> = ["backup", "backups", "bak", "bkp", "snapshot", "snapshots"]
    static let backupWords: [String] = ["备份"]
    static let logNames: Set<String> = ["syslog", "messages", "secure", "auth.log", "kern.log", "audit.log", "cron", "maillog",
                                        "daemon.log", "access.log", "error.log", "user.log", "debug", "wtmp.txt", "boot.log"]
    static let documentExtensions: Set<String> = ["docx", "doc", "pdf", "odt", "rtf", "wps", "md", "txt", "html", "htm", "xlsx", "xls", "ods"]
    static let delimitedExtensions: [String: UInt8] = ["csv": UInt8(ascii: ","), "tsv": 9, "tab": 9, "psv": UInt8(ascii: "|")]

    /// Splits a path into lower-case words on / _ - . and spaces.
    static func tokens(_ path: String) -> Set<String> {
        var out = Set<String>()
        var cur = ""
        for ch in path.lowercased() {
            if ch == "/" || ch == "_" || ch == "-" || ch == "." || ch == " " || ch == "!" {
                if !cur.isEmpty { out.insert(cur); cur = "" }
            } else { cur.append(ch) }
        }
        if !cur.isEmpty { out.insert(cur) }
        return out
    }

    static func isTestPath(_ path: String) -> Bool {
        !tokens(path).isDisjoint(with: testTokens) || testWords.contains { path.contains($0) }
    }

    static func isBackupName(_ path: String) -> Bool {
        !tokens(path).isDisjoint(with: backupTokens) || backupWords.contains { path.contains($0) }
    }

    /// The display chain as one path: `backup.tar.gz!etc/ssh/sshd_config` → `backup.tar.gz/etc/ssh/sshd_config`.
    static func flatPath(_ chain: [String]) -> String { chain.joined(separator: "/") }

    /// `chain` is relative to the input folder the user named (its own name says nothing).
    static func classify(name: String, chain: [String], mime: String, magic: String, isText: Bool, isContainer: Bool) -> Classification {
        var c = Classification()
        let path = flatPath(chain)
        let base = ((chain.last ?? name) as NSString).lastPathComponent
        let lowerBase = base.lowercased()
        let components = path.split(separator: "/").map(String.init)
        let parent = components.count >= 2 ? components[components.count - 2] : ""
        let ext = (lowerBase as NSString).pathExtension

        // Backups: the item itself, or anything inside an archive whose name says backup.
        if chain.count > 1 {
            if isBackupName(chain[0]) || (chain[0].lowercased() as NSString).pathExtension == "bak" { c.roles.insert(.inBackup) }
        } else if isBackupName(path) || ext == "bak" {
            c.roles.insert(.backup)
        }
        if isContainer && !["docx", "xlsx", "pptx", "odt", "ods"].contains(ext) { return c }

        if let t = configType(base: base, parent: parent, path: path) {
            c.configType = t.type
            c.configIsDropIn = t.dropIn
            c.configGroup = configGroup(components)
            c.roles.insert(.config)
            if t.type == .sshd || t.type == .nginx { c.roles.insert(.crypto) }
            return c
        }
        if isLog(lowerBase: lowerBase, components: components) {
            c.roles.insert(.log)
            return c
        }
        if let d = delimitedExtensions[ext] {
            c.table = .delimited(d)
        } else if magic.hasPrefix("SQLite 3") || mime == "application/vnd.sqlite3" || mime == "application/x-sqlite3" {
            c.table = .sqlite
        } else if ext == "sql" || ext == "dump" && isText {
            c.table = .sqlDump
        }
        if c.table != nil { c.roles.insert([.table, .dataFile]) }
        if documentExtensions.contains(ext) && c.table == nil {
            c.documentKinds = DocumentKind.recognise(base)
            c.roles.insert(.document)
            // Spreadsheets and text files are data as well as documents.
            if ["xlsx", "xls", "ods", "txt"].contains(ext) { c.roles.insert(.dataFile) }
        } else if c.table == nil && (isText || ext == "json" || ext == "jsonl" || ext == "xml") {
            c.roles.insert(.dataFile)
        }
        // Configuration the crypto-audit engine may know (it decides by name and content).
        if ["conf", "cfg", "cnf", "xml"].contains(ext) || ["java.security", "ssh_config"].contains(lowerBase) {
            c.roles.insert(.crypto)
            c.roles.remove(.dataFile)
        }
        if isTestPath(path) && (c.roles.contains(.table) || c.roles.contains(.dataFile)) { c.roles.insert(.testDataset) }
        return c
    }

    static func configType(base: String, parent: String, path: String) -> (type: ConfigType, dropIn: Bool)? {
        let lp = path.lowercased()
        switch base {
        case "sshd_config": return (.sshd, false)
        case "login.defs": return (.loginDefs, false)
        case "pwquality.conf": return (.pwquality, false)
        case "journald.conf": return (.journald, false)
        case "auditd.conf": return (.auditd, false)
        case "logrotate.conf": return (.logrotate, false)
        case "nginx.conf": return (.nginx, false)
        default: break
        }
        if base.hasSuffix(".conf") {
            switch parent {
            case "sshd_config.d": return (.sshd, true)
            case "pwquality.conf.d": return (.pwquality, true)
            case "journald.conf.d": return (.journald, true)
            case "conf.d", "sites-enabled", "sites-available" where lp.contains("nginx/"): return (.nginx, true)
            default: break
            }
        }
        if parent == "logrotate.d" { return (.logrotate, true) }
        if parent == "sites-enabled" && lp.contains("nginx/") { return (.nginx, true) }
        return nil
    }

    /// Configuration files of one system are judged together: the folder holding its `etc/`.
    static func configGroup(_ components: [String]) -> String {
        if let i = components.lastIndex(of: "etc") { return components[..<i].joined(separator: "/") }
        // No etc/: the folder of the file, without the conventional sub-folders.
        var dir = Array(components.dropLast())
        while let last = dir.last, last.hasSuffix(".d") || ["ssh", "security", "nginx", "systemd", "audit", "sites-enabled", "sites-available"].contains(last) {
            dir.removeLast()
        }
        return dir.joined(separator: "/")
    }

    static func isLog(lowerBase: String, components: [String]) -> Bool {
        // Strip compression and rotation suffixes: syslog.1, messages-20240101, access.log.2.gz
        var b = lowerBase
        for suffix in [".gz", ".xz", ".bz2", ".zst", ".tar", ".tgz"] where b.hasSuffix(suffix) { b = String(b.dropLast(suffix.count)) }
        for suffix in [".tar"] where b.hasSuffix(suffix) { b = String(b.dropLast(suffix.count)) }
        for _ in 0..<2 {
            if let dot = b.lastIndex(of: "."), b[b.index(after: dot)...].allSatisfy(\.isNumber), b.index(after: dot) < b.endIndex {
                b = String(b[..<dot])
            }
            if let dash = b.lastIndex(of: "-"), b[b.index(after: dash)...].count == 8, b[b.index(after: dash)...].allSatisfy(\.isNumber) {
                b = String(b[..<dash])
            }
        }
        if logNames.contains(b) || b.hasSuffix(".log") || b.hasSuffix("_log") { return true }
        let dirs = components.dropLast().map { $0.lowercased() }
        if dirs.contains("log") || dirs.contains("logs") || dirs.contains("日志") {
            let ext = (b as NSString).pathExtension
            return ext.isEmpty || ext == "txt" || ext == "out" || ext == "err"
        }
        return false
    }
}
