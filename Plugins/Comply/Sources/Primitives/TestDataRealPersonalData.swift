import DSToolKit
import Foundation

/// `test_data_real_pi`: test and development datasets (recognised by their folder or file names:
/// test, dev, staging, uat, 测试, 开发...) hold personal data that passes its validators (check
/// digits, real dates and region codes), i.e. real or realistic data rather than de-identified data.
///
///     test_data_real_pi:
///       kinds: [...]      # default: personal kinds
///       min_values: 1
struct TestDataRealPersonalData: CheckPrimitive {
    static let name = "test_data_real_pi"
    let kinds: Set<String>
    let minValues: Int

    init(_ args: PrimitiveArgs) throws {
        var a = args
        kinds = try a.kinds("kinds") ?? PersonalData.personalKinds
        minValues = try a.int("min_values", min: 1) ?? 1
        try a.finish()
    }

    var needs: EvidenceNeeds {
        var n = EvidenceNeeds()
        n.tables = true
        n.scanQuestions = [ScanQuestion(roles: [.testDataset], kinds: kinds, minValues: minValues)]
        n.piKinds = kinds
        return n
    }

    func evaluate(_ e: Evidence, _ ctx: EvaluationContext) -> Verdict {
        var hits: [EvidenceRef] = []
        var examined = 0
        var seen = Set<String>()
        for it in e.items where it.roles.contains(.testDataset) {
            examined += 1
            var facts = it.pi ?? PIFacts()
            // Values found in sampled columns count too (a SQLite file's pages are not plain text),
            // without counting twice what the file scan already saw.
            var columns = PIFacts()
            for t in e.tables where t.item == it.name { for c in t.columns { columns.add(c.pi) } }
            facts.takeLarger(columns)
            let n = facts.count(of: kinds)
            guard n >= minValues, !seen.contains(it.name) else { continue }
            seen.insert(it.name)
            let what = PersonalData.describe(facts, kinds: kinds)
            hits.append(EvidenceRef(input: it.name, detail: LocalizedText(en: "test/development data holds valid \(what.en)",
                                                                          zh: "测试/开发数据含通过校验的\(what.zh)")))
        }
        if !hits.isEmpty {
            return .fail("\(hits.count) test or development dataset(s) hold real personal data", "\(hits.count) 个测试或开发数据集含真实个人信息", hits.capped())
        }
        let broken = e.unreadable(roles: [.testDataset])
        if !broken.isEmpty {
            return .unreadable(broken, "\(broken.count) test dataset(s) could not be read", "\(broken.count) 个测试数据集无法读取")
        }
        if examined == 0 { return .notApplicable("no test or development datasets among the evidence", "证据中没有测试或开发数据集") }
        return .pass("\(examined) test or development dataset(s) hold no valid personal data", "\(examined) 个测试或开发数据集不含通过校验的个人信息")
    }
}
