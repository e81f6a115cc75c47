import DSToolKit
import Foundation

/// `pi_file_permissions`: files holding personal data are not readable by others (file modes
/// from the evidence folder, and from tar entries inside archives).
///
///     pi_file_permissions:
///       readable_by: others        # or group (group and others)
///       kinds: [...]               # default: personal kinds
///       min_values: 1
struct PersonalDataFilePermissions: CheckPrimitive {
    static let name = "pi_file_permissions"
    enum Who: String, CaseIterable { case others, group }
    let mask: UInt32
    let kinds: Set<String>
    let minValues: Int

    init(_ args: PrimitiveArgs) throws {
        var a = args
        let who = try a.node("readable_by")?.oneOf("pi_file_permissions.readable_by", Who.self) ?? .others
        mask = who == .others ? 0o004 : 0o044
        kinds = try a.kinds("kinds") ?? PersonalData.personalKinds
        minValues = try a.int("min_values", min: 1) ?? 1
        try a.finish()
    }

    static let dataRoles: ItemRoles = [.dataFile, .table, .document, .inBackup, .backup]

    var needs: EvidenceNeeds {
        var n = EvidenceNeeds()
        n.scanQuestions = [ScanQuestion(roles: Self.dataRoles, readableMask: mask, kinds: kinds, minValues: minValues)]
        n.piKinds = kinds
        return n
    }

    func evaluate(_ e: Evidence, _ ctx: EvaluationContext) -> Verdict {
        let dataRoles = Self.dataRoles
        var hits: [EvidenceRef] = []
        var exposed = 0, withMode = 0
        for it in e.items where !it.roles.isDisjoint(with: dataRoles) {
            guard let mode = it.mode else { continue }
            withMode += 1
            guard mode & mask != 0 else { continue }
            exposed += 1
            guard let pi = it.pi, pi.count(of: kinds) >= minValues else { continue }
            let what = PersonalData.describe(pi, kinds: kinds)
            hits.append(EvidenceRef(input: it.name, detail: LocalizedText(
                en: "mode \(String(mode, radix: 8)) lets \(mask == 0o004 ? "others" : "group and others") read \(what.en)",
                zh: "权限 \(String(mode, radix: 8)) 允许\(mask == 0o004 ? "其他用户" : "同组及其他用户")读取\(what.zh)")))
        }
        if !hits.isEmpty {
            return .fail("\(hits.count) file(s) with personal data are readable by \(mask == 0o004 ? "others" : "group or others")",
                         "\(hits.count) 个含个人信息的文件可被\(mask == 0o004 ? "其他用户" : "同组或其他用户")读取", hits.capped())
        }
        let broken = e.unreadable(roles: dataRoles)
        if !broken.isEmpty {
            return .unreadable(broken, "\(broken.count) data item(s) could not be read", "\(broken.count) 个数据项无法读取")
        }
        if withMode == 0 {
            return .manual("the evidence does not record file permissions (e.g. a zip or Windows copy)",
                           "证据未保留文件权限（如 zip 或 Windows 拷贝），需人工核查")
        }
        return .pass("none of the \(exposed) data file(s) others can read holds personal data (\(withMode) with permissions examined)",
                     "可被他人读取的 \(exposed) 个数据文件均不含个人信息（共检查 \(withMode) 个文件的权限）")
    }
}
