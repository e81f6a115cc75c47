import DSToolKit

/// The inventory and the coverage summary as data records.
enum InventoryRecords {
    static func locationText(_ l: Location) -> String {
        l.line.map { "\(l.input):\($0)" } ?? l.input
    }

    static func asset(_ a: Asset, lang: String) -> DataRecord {
        var v: [String: JSONValue] = [
            "asset_type": .string(a.kind.rawValue), "name": .string(a.name), "classification": .string(a.classification.rawValue),
            "layer": .string(a.layer.rawValue), "count": .int(Int64(a.count)),
            "locations": .array(a.occurrences.map { .string(locationText($0)) }),
        ]
        if !a.roles.isEmpty { v["roles"] = .array(a.roles.sorted().map { .string($0) }) }
        if let c = a.certificate {
            v["certificate"] = .object([
                "subject": .string(c.subject), "issuer": .string(c.issuer), "serial": .string(c.serial),
                "not_before": .string(c.notBefore), "not_after": .string(c.notAfter), "signature_algorithm": .string(c.signatureAlgorithm),
                "key": .string(c.key.displayName), "self_signed": .bool(c.selfSigned), "ca": .bool(c.isCA), "sha256": .string(c.sha256),
            ])
        }
        if let k = a.key {
            var kv: [String: JSONValue] = ["algorithm": .string(k.algorithm), "bits": .int(Int64(k.bits)), "private": .bool(k.isPrivate), "format": .string(k.format)]
            if let c = k.curve { kv["curve"] = .string(c) }
            if let e = k.encrypted { kv["encrypted"] = .bool(e) }
            if let p = k.protection { kv["protection"] = .string(p) }
            v["key"] = .object(kv)
        }
        if let ver = a.libraryVersion { v["version"] = .string(ver) }
        let where0 = a.occurrences.first.map(locationText) ?? ""
        let more = a.count > 1 ? " (+\(a.count - 1))" : ""
        let en = "asset  \(a.kind.rawValue)  \(a.name)  [\(a.classification.label.en); \(a.layer.rawValue)]  \(where0)\(more)"
        let zh = "资产  \(a.kind.rawValue)  \(a.name)  [\(a.classification.label.zh)；\(a.layer.zh)]  \(where0)\(more)"
        return DataRecord(kind: "cryptoaudit.asset", text: LocalizedText(en: en, zh: zh), value: .object(v))
    }

    /// Per layer: how many distinct assets are national, acceptable, weak, forbidden; the national
    /// share; and the clause the layer answers to.
    static func coverage(_ cov: [SecurityLayer: [AlgorithmClass: Int]], clauses: Clauses) -> DataRecord {
        var layers: [String: JSONValue] = [:]
        var linesEn = ["crypto coverage by layer (distinct assets: national / acceptable / weak / forbidden, national share)"]
        var linesZh = ["各层密码应用覆盖（不同资产数：国密 / 可接受 / 弱 / 禁用，国密占比）"]
        var totals: [AlgorithmClass: Int] = [:]
        for l in SecurityLayer.allCases {
            let c = cov[l] ?? [:]
            let n = c[.national] ?? 0, a = c[.acceptable] ?? 0, w = c[.weak] ?? 0, f = c[.forbidden] ?? 0
            for (k, v) in c { totals[k, default: 0] += v }
            let total = n + a + w + f
            let share = total == 0 ? nil : Double(n) / Double(total)
            var o: [String: JSONValue] = ["national": .int(Int64(n)), "acceptable": .int(Int64(a)), "weak": .int(Int64(w)),
                                          "forbidden": .int(Int64(f)), "clause": .string(clauses.layer(l))]
            o["national_share"] = share.map { .double(($0 * 1000).rounded() / 1000) } ?? .null
            layers[l.rawValue] = .object(o)
            let pct = share.map { "\(Int(($0 * 100).rounded()))%" } ?? "-"
            linesEn.append("  \(l.rawValue.padding(to: 12)) \(n) / \(a) / \(w) / \(f)  national \(pct)")
            linesZh.append("  \(l.zh)  \(n) / \(a) / \(w) / \(f)  国密占比 \(pct)")
        }
        let n = totals[.national] ?? 0
        let all = totals.values.reduce(0, +)
        let value: JSONValue = .object([
            "layers": .object(layers),
            "national_share": all == 0 ? .null : .double((Double(n) / Double(all) * 1000).rounded() / 1000),
            "standard": .string(Clauses.standard),
        ])
        return DataRecord(kind: "cryptoaudit.coverage", text: LocalizedText(en: linesEn.joined(separator: "\n"), zh: linesZh.joined(separator: "\n")), value: value)
    }
}

private extension String {
    /// Cut or padded with spaces to `width` characters (a column of the text summary).
    func padding(to width: Int) -> String { count >= width ? String(prefix(width)) : self + String(repeating: " ", count: width - count) }
}
