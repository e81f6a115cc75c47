import DSToolKit
import Foundation

/// `password_storage`: password columns hold salted, adaptive hashes (bcrypt, scrypt, PBKDF2,
/// Argon2, salted SM3), not plaintext or bare MD5/SHA-1/SHA-256/SM3 digests.
///
///     password_storage:
///       allowed: [bcrypt, scrypt, pbkdf2, argon2, salted-sm3]   # the default
struct PasswordStorage: CheckPrimitive {
    static let name = "password_storage"
    let allowed: Set<PasswordHashClass>

    init(_ args: PrimitiveArgs) throws {
        var a = args
        if let n = try a.node("allowed") {
            var set = Set<PasswordHashClass>()
            for (s, node) in try n.textNodes("password_storage.allowed") {
                guard let c = PasswordHashClass(rawValue: s), c != .opaque, c != .empty else {
                    throw node.error("password_storage.allowed: unknown scheme '\(s)' (known: \(PasswordHashClass.allCases.filter { $0 != .opaque && $0 != .empty }.map(\.rawValue).joined(separator: ", ")))")
                }
                set.insert(c)
            }
            allowed = set
        } else {
            allowed = PasswordHashClass.strongDefault
        }
        try a.finish()
    }

    var needs: EvidenceNeeds { var n = EvidenceNeeds(); n.tables = true; return n }

    func evaluate(_ e: Evidence, _ ctx: EvaluationContext) -> Verdict {
        var weak: [EvidenceRef] = [], unclear: [EvidenceRef] = [], good: [EvidenceRef] = []
        for t in e.tables {
            for c in t.columns where c.passwordLike {
                let judged = c.hashClasses.filter { $0.key != .empty }
                guard !judged.isEmpty else { continue }
                let bad = judged.filter { $0.key != .opaque && !allowed.contains($0.key) }
                let total = judged.values.reduce(0, +)
                func describe(_ m: [PasswordHashClass: Int]) -> String {
                    m.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
                }
                if !bad.isEmpty {
                    let d = describe(bad)
                    weak.append(EvidenceRef(input: t.item, table: t.table, column: c.name,
                                            detail: LocalizedText(en: "\(d) of \(total) sampled values", zh: "抽样 \(total) 个值中：\(d)")))
                } else if judged.keys.contains(.opaque) {
                    unclear.append(EvidenceRef(input: t.item, table: t.table, column: c.name,
                                               detail: LocalizedText(en: "values look encrypted or encoded; the scheme cannot be told",
                                                                     zh: "值似为加密或编码数据，无法判断口令保护方式")))
                } else {
                    good.append(EvidenceRef(input: t.item, table: t.table, column: c.name,
                                            detail: LocalizedText(en: describe(judged), zh: describe(judged))))
                }
            }
        }
        if !weak.isEmpty {
            return .fail("\(weak.count) password column(s) store plaintext or unsalted digests", "\(weak.count) 个口令列以明文或无盐摘要存储", weak.capped())
        }
        let broken = e.unreadable(roles: [.table])
        if !broken.isEmpty {
            return .unreadable(broken, "\(broken.count) table(s) could not be read", "\(broken.count) 个数据表无法读取")
        }
        if !unclear.isEmpty { return .manual("password storage cannot be judged from the values", "无法从取值判断口令保护方式", unclear.capped()) }
        if good.isEmpty { return .notApplicable("no password column with values among the tables", "数据表中没有含值的口令列") }
        return .pass("\(good.count) password column(s) use salted adaptive hashes", "\(good.count) 个口令列使用加盐的自适应杂凑", good.capped())
    }
}
