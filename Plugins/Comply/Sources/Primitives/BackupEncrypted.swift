import DSToolKit
import Foundation

/// `backup_encrypted`: backups (by name: backup, bak, 备份, snapshot...) that hold personal data
/// are encrypted: an age or dstool envelope, openssl enc, OpenPGP, or a zip whose entries are all
/// encrypted. Recognised by content, never by file extension.
///
///     backup_encrypted:
///       kinds: [...]      # default: personal kinds
struct BackupEncrypted: CheckPrimitive {
    static let name = "backup_encrypted"
    let kinds: Set<String>

    init(_ args: PrimitiveArgs) throws {
        var a = args
        kinds = try a.kinds("kinds") ?? PersonalData.personalKinds
        try a.finish()
    }

    var needs: EvidenceNeeds {
        var n = EvidenceNeeds()
        n.backups = true
        n.piKinds = kinds
        n.scanQuestions = [ScanQuestion(roles: [.backup, .inBackup], kinds: kinds)]
        return n
    }

    func evaluate(_ e: Evidence, _ ctx: EvaluationContext) -> Verdict {
        var bad: [EvidenceRef] = [], good: [EvidenceRef] = [], unknown: [EvidenceRef] = []
        for b in e.backups {
            if let enc = b.encryption {
                good.append(EvidenceRef(input: b.item, detail: LocalizedText(en: "encrypted (\(enc))", zh: "已加密（\(enc)）")))
                continue
            }
            if b.entries > 0 && b.encryptedEntries == b.entries {
                good.append(EvidenceRef(input: b.item, detail: LocalizedText(en: "all \(b.entries) entries encrypted", zh: "全部 \(b.entries) 个条目已加密")))
                continue
            }
            if b.pi.count(of: kinds) > 0 {
                let what = PersonalData.describe(b.pi, kinds: kinds)
                let inside = b.piItems.first.map { $0 == b.item ? "" : " (e.g. \($0))" } ?? ""
                bad.append(EvidenceRef(input: b.item, detail: LocalizedText(en: "not encrypted; holds \(what.en)\(inside)", zh: "未加密，含\(what.zh)\(inside)")))
                continue
            }
            if !b.scanned {
                unknown.append(EvidenceRef(input: b.item, detail: LocalizedText(en: "contents could not be examined", zh: "无法检查其内容")))
                continue
            }
            good.append(EvidenceRef(input: b.item, detail: LocalizedText(en: "not encrypted, holds no personal data", zh: "未加密，但不含个人信息")))
        }
        if !bad.isEmpty { return .fail("\(bad.count) backup(s) with personal data are not encrypted", "\(bad.count) 个含个人信息的备份未加密", bad.capped()) }
        let broken = e.unreadable(roles: [.backup, .inBackup])
        if !broken.isEmpty {
            return .unreadable(broken, "\(broken.count) backup item(s) could not be read", "\(broken.count) 个备份项无法读取")
        }
        if !unknown.isEmpty { return .manual("\(unknown.count) backup(s) could not be examined", "\(unknown.count) 个备份无法检查", unknown.capped()) }
        if good.isEmpty { return .notApplicable("no backups among the evidence", "证据中没有备份") }
        return .pass("backups holding personal data are encrypted", "含个人信息的备份均已加密", good.capped())
    }
}
