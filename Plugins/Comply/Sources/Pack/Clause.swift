import Foundation
import DSToolKit

/// A law or standard controls point to.
public struct ClauseSource: Hashable, Sendable {
    /// How it is written in rule packs (the Chinese short name or the standard number).
    public let id: String
    public let name: LocalizedText

    /// The sources a clause may cite. A pack citing anything else is an error (a typo in a
    /// clause would otherwise make a separate, meaningless roll-up line).
    public static let known: [ClauseSource] = [
        ClauseSource(id: "数据安全法", name: LocalizedText(en: "Data Security Law", zh: "中华人民共和国数据安全法")),
        ClauseSource(id: "个人信息保护法", name: LocalizedText(en: "Personal Information Protection Law", zh: "中华人民共和国个人信息保护法")),
        ClauseSource(id: "网络安全法", name: LocalizedText(en: "Cybersecurity Law", zh: "中华人民共和国网络安全法")),
        ClauseSource(id: "工业和信息化领域数据安全管理办法", name: LocalizedText(en: "MIIT Data Security Measures (trial)", zh: "工业和信息化领域数据安全管理办法（试行）")),
        ClauseSource(id: "工业数据分类分级指南", name: LocalizedText(en: "Industrial Data Classification and Grading Guidelines (trial)", zh: "工业数据分类分级指南（试行）")),
        ClauseSource(id: "GB/T 35273-2020", name: LocalizedText(en: "GB/T 35273-2020 Personal information security specification", zh: "GB/T 35273-2020 个人信息安全规范")),
        ClauseSource(id: "GB/T 37964-2019", name: LocalizedText(en: "GB/T 37964-2019 Guide for de-identifying personal information", zh: "GB/T 37964-2019 个人信息去标识化指南")),
        ClauseSource(id: "GB/T 43697-2024", name: LocalizedText(en: "GB/T 43697-2024 Rules for data classification and grading", zh: "GB/T 43697-2024 数据分类分级规则")),
        ClauseSource(id: "GB/T 22239-2019", name: LocalizedText(en: "GB/T 22239-2019 Baseline for classified protection (MLPS 2.0)", zh: "GB/T 22239-2019 网络安全等级保护基本要求")),
        ClauseSource(id: "GB/T 39786-2021", name: LocalizedText(en: "GB/T 39786-2021 Basic requirements for cryptography application", zh: "GB/T 39786-2021 信息系统密码应用基本要求")),
    ]
}

/// One clause: a source and the part of it, e.g. `数据安全法 art. 27` or `GB/T 22239-2019 8.1.4.3`.
public struct Clause: Hashable, Sendable, Comparable {
    public let source: ClauseSource
    /// "art. 27", "8.1.4.3", or "" for the source as a whole.
    public let reference: String

    /// The text as written in packs, the roll-up key.
    public var id: String { reference.isEmpty ? source.id : "\(source.id) \(reference)" }

    public var label: LocalizedText {
        var zhRef = reference, enRef = reference
        if reference.hasPrefix("art. "), let n = Int(reference.dropFirst(5)) {
            zhRef = "第\(ChineseNumerals.format(n))条"
            enRef = "Art. \(n)"
        }
        return LocalizedText(en: reference.isEmpty ? source.name.en : "\(source.name.en) \(enRef)",
                             zh: reference.isEmpty ? source.name.zh : "\(source.name.zh) \(zhRef)")
    }

    /// Parses `SOURCE [REFERENCE]`; nil if the source is not a known one.
    public static func parse(_ text: String) -> Clause? {
        let t = text.trimmingCharacters(in: .whitespaces)
        for s in ClauseSource.known.sorted(by: { $0.id.count > $1.id.count }) where t.hasPrefix(s.id) {
            let rest = t.dropFirst(s.id.count)
            if !rest.isEmpty && rest.first != " " { continue }
            let ref = rest.trimmingCharacters(in: .whitespaces)
            if ref.hasPrefix("art.") {
                guard let n = Int(ref.dropFirst(4).trimmingCharacters(in: .whitespaces)), n > 0 else { return nil }
                return Clause(source: s, reference: "art. \(n)")
            }
            return Clause(source: s, reference: ref)
        }
        return nil
    }

    public static func < (a: Clause, b: Clause) -> Bool {
        let ia = ClauseSource.known.firstIndex(of: a.source)!, ib = ClauseSource.known.firstIndex(of: b.source)!
        if ia != ib { return ia < ib }
        return a.reference.compare(b.reference, options: .numeric) == .orderedAscending
    }
}

/// 27 → 二十七 (article numbers of Chinese laws).
enum ChineseNumerals {
    static let digits: [String] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    static func format(_ n: Int) -> String {
        guard n > 0, n < 1000 else { return String(n) }
        var out = ""
        let h = n / 100, t = (n / 10) % 10, u = n % 10
        if h > 0 { out += digits[h] + "百" }
        if t > 0 { out += (t == 1 && h == 0 ? "" : digits[t]) + "十" } else if h > 0 && u > 0 { out += "零" }
        if u > 0 { out += digits[u] }
        return out
    }
}
