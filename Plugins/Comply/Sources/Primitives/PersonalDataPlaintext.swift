import DSToolKit
import Foundation

/// `pi_plaintext`: a column or data file holds personal data of the given kinds in plaintext.
///
///     pi_plaintext:
///       kinds: [cn_id_card, bank_card]   # default: the sensitive kinds
///       scope: columns | files | both    # default both
///       min_values: 1                    # values needed to count a column or file
///       min_share: 0.1                   # of a column's sampled values
///       include_backups: false           # backup contents have their own check
struct PersonalDataPlaintext: CheckPrimitive {
    static let name = "pi_plaintext"
    enum Scope: String, CaseIterable { case columns, files, both }
    let kinds: Set<String>
    let scope: Scope
    let minValues: Int
    let minShare: Double
    let includeBackups: Bool

    init(_ args: PrimitiveArgs) throws {
        var a = args
        kinds = try a.kinds("kinds") ?? PersonalData.sensitiveKinds
        scope = try a.node("scope")?.oneOf("pi_plaintext.scope", Scope.self) ?? .both
        minValues = try a.int("min_values", min: 1) ?? 1
        minShare = try a.double("min_share") ?? 0.1
        guard (0...1).contains(minShare) else { throw a.error("min_share must be between 0 and 1") }
        includeBackups = try a.bool("include_backups") ?? false
        try a.finish()
    }

    var needs: EvidenceNeeds {
        var n = EvidenceNeeds()
        if scope != .files { n.tables = true }
        if scope != .columns {
            // With columns judged from samples, only files that are not tables are scanned whole.
            var excluded: ItemRoles = includeBackups ? [] : [.backup, .inBackup]
            if scope == .both { excluded.insert(.table) }
            n.scanQuestions = [ScanQuestion(roles: [.dataFile], excludedRoles: excluded, kinds: kinds, minValues: minValues)]
        }
        n.piKinds = kinds
        return n
    }

    func counts(_ roles: ItemRoles) -> Bool { includeBackups || roles.isDisjoint(with: [.backup, .inBackup]) }

    func evaluate(_ e: Evidence, _ ctx: EvaluationContext) -> Verdict {
        var hits: [EvidenceRef] = []
        var columns = 0, files = 0
        if scope != .files {
            for t in e.tables where counts(t.roles) {
                for c in t.columns where !c.passwordLike {
                    columns += 1
                    let n = c.pi.count(of: kinds)
                    guard n >= minValues, c.nonEmpty > 0, Double(n) / Double(c.nonEmpty) >= minShare else { continue }
                    let what = PersonalData.describe(c.pi, kinds: kinds)
                    hits.append(EvidenceRef(input: t.item, table: t.table, column: c.name,
                                            detail: LocalizedText(en: "\(what.en) in plaintext among \(c.nonEmpty) sampled values",
                                                                  zh: "抽样 \(c.nonEmpty) 个值中含明文\(what.zh)")))
                }
            }
        }
        if scope != .columns {
            for it in e.items where it.roles.contains(.dataFile) && counts(it.roles) && (scope == .files || !it.roles.contains(.table)) {
                guard let pi = it.pi else { continue }
                files += 1
                let n = pi.count(of: kinds)
                guard n >= minValues else { continue }
                let what = PersonalData.describe(pi, kinds: kinds)
                hits.append(EvidenceRef(input: it.name, detail: LocalizedText(en: "holds \(what.en) in plaintext", zh: "含明文\(what.zh)")))
            }
        }
        if !hits.isEmpty {
            return .fail("\(hits.count) place(s) hold personal data in plaintext", "\(hits.count) 处以明文存储个人信息", hits.capped())
        }
        let broken = e.unreadable(roles: [.table, .dataFile])
        if !broken.isEmpty {
            return .unreadable(broken, "\(broken.count) data item(s) could not be read", "\(broken.count) 个数据项无法读取")
        }
        if columns == 0 && files == 0 {
            return .notApplicable("no tables or data files to examine", "没有可检查的数据表或数据文件")
        }
        return .pass("no plaintext \(kindList.en) in \(columns) column(s) and \(files) data file(s) examined",
                     "已检查 \(columns) 列、\(files) 个数据文件，未发现明文\(kindList.zh)")
    }

    var kindList: LocalizedText {
        let ks = kinds.sorted()
        return LocalizedText(en: ks.map { PersonalData.title($0).en }.joined(separator: ", "),
                             zh: ks.map { PersonalData.title($0).zh }.joined(separator: "、"))
    }
}
