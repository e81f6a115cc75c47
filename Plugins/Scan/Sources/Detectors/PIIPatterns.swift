/// A set of bytes, for token boundaries (no allocation, one load per test).
public struct ByteClass: Sendable, Hashable {
    var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// `spec` lists bytes and ranges, e.g. "0-9A-Za-z._-" (a '-' first or last is literal).
    public init(_ spec: String) {
        let b = Array(spec.utf8)
        var i = 0
        while i < b.count {
            if i + 2 < b.count && b[i + 1] == 45 {
                for c in b[i]...b[i + 2] { insert(c) }
                i += 3
            } else {
                insert(b[i]); i += 1
            }
        }
    }

    public init() {}

    /// Like `init(_:)`, with a leading "^" meaning every byte except those listed.
    public init(spec: String) {
        if spec.hasPrefix("^") && spec.count > 1 {
            let inner = ByteClass(String(spec.dropFirst()))
            self.init()
            for c in 0...255 where !inner.contains(UInt8(c)) { insert(UInt8(c)) }
        } else {
            self.init(spec)
        }
    }

    mutating func insert(_ c: UInt8) {
        let bit = UInt64(1) << UInt64(c & 63)
        switch c >> 6 {
        case 0: bits.0 |= bit
        case 1: bits.1 |= bit
        case 2: bits.2 |= bit
        default: bits.3 |= bit
        }
    }

    @inline(__always) public func contains(_ c: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(c & 63)
        switch c >> 6 {
        case 0: return bits.0 & bit != 0
        case 1: return bits.1 & bit != 0
        case 2: return bits.2 & bit != 0
        default: return bits.3 & bit != 0
        }
    }

    public static func == (a: ByteClass, b: ByteClass) -> Bool {
        a.bits.0 == b.bits.0 && a.bits.1 == b.bits.1 && a.bits.2 == b.bits.2 && a.bits.3 == b.bits.3
    }
    public func hash(into h: inout Hasher) { h.combine(bits.0); h.combine(bits.1); h.combine(bits.2); h.combine(bits.3) }

    static let asciiWord = ByteClass("0-9A-Za-z_")
}

/// How a PII pattern's match is turned into the candidate value.
enum PIIExtent: Sendable {
    /// The value is the maximal run of `token` bytes around the match end (so one number in a
    /// long run of digits is one candidate, however many times the pattern fires inside it),
    /// minus trailing `trim` bytes (a sentence's full stop after an email).
    case token(ByteClass, trim: ByteClass)
    /// The pattern is compiled with leftmost start of match: the value is [from, to), the
    /// longest match from one start.
    case som
    /// A name after a label (姓名：张三): the two Han characters that end the match, extended by
    /// up to two more Han characters.
    case labelledName
    /// Not a Hyperscan pattern: runs of eight or more digits found by a SIMD loop (a class-only
    /// pattern such as \d{11} costs Hyperscan more than all secret rules together), extended
    /// over `token` (digits, upper-case letters and x: ID numbers ending in X, credit codes).
    case digitRun(ByteClass)
    /// Not a Hyperscan pattern: digits in groups of four separated by single spaces or dashes.
    case groupedDigits
    /// Not a Hyperscan pattern: `@[A-Za-z0-9-]{1,63}\.[A-Za-z]{2}` checked at each '@' (a byte
    /// search; as a Hyperscan pattern it had Hyperscan look at every '.' before a letter, which is
    /// every key of a configuration file); the value is the token around it, as for `.token`.
    case emailAddress(ByteClass, trim: ByteClass)
    /// An address: a region name of `width` bytes ends the match; the value runs on over Han
    /// characters, digits and letters to the last road, number or building word.
    case regionAddress(width: Int)
}

/// One Hyperscan expression for personal data, the kinds its values may be, and how to cut the value.
struct PIIPattern: Sendable {
    let kinds: [PIIKind]
    let expression: String
    let flags: UInt32
    let extent: PIIExtent
}

enum PIIPatterns {
    static let digitsX = ByteClass("0-9Xx")
    static let digits = ByteClass("0-9")
    static let none = ByteClass()

    static let provinceChars = "京|津|沪|渝|冀|豫|云|辽|黑|湘|皖|鲁|新|苏|浙|赣|鄂|桂|甘|晋|蒙|陕|吉|闽|贵|粤|青|藏|川|宁|琼"
    static let nameLabels = "姓名|名字|联系人|收货人|收件人|寄件人|持卡人|开户名|户名|法定代表人|法人代表|负责人|经办人|申请人|投保人|被保险人|受益人|患者|客户姓名|真实姓名|监护人|紧急联系人"
    static let addressDetail = "路|街|大道|巷|弄|胡同|号|村|组|室|栋|幢|单元|楼|小区|大厦|社区"

    /// The patterns that find `kinds`, in the order of `all` (the index is the Hyperscan id). The
    /// address patterns (every province and city name, built from the division table) are made
    /// only when addresses are asked for.
    static func selected(_ kinds: Set<PIIKind>) -> [PIIPattern] {
        func only(_ patterns: [PIIPattern]) -> [PIIPattern] {
            patterns.compactMap { p in
                let k = p.kinds.filter(kinds.contains)
                return k.isEmpty ? nil : PIIPattern(kinds: k, expression: p.expression, flags: p.flags, extent: p.extent)
            }
        }
        return only(base) + (kinds.contains(.address) ? only(address) : [])
    }

    /// All patterns; the index in this array is the Hyperscan id.
    static var all: [PIIPattern] { base + address }

    /// Every pattern but the address ones.
    static let base: [PIIPattern] = {
        var p: [PIIPattern] = []
        // Runs of seven or more digits, extended over digits, capitals and x (not Hyperscan: see
        // PIIExtent.digitRun): the token's shape decides which validators apply.
        p.append(PIIPattern(kinds: [.cnIDCard, .cnIDCard15, .cnMobile, .bankCard, .creditCard, .imei, .cnUSCC, .passport,
                                    .hkMacaoPermit, .taiwanPermit],
                            expression: "", flags: 0, extent: .digitRun(ByteClass("0-9A-Zx"))))
        // Card numbers in groups of four (6222 0212 3456 7890 128), found by the same loop.
        p.append(PIIPattern(kinds: [.bankCard, .creditCard], expression: "", flags: 0, extent: .groupedDigits))
        // Separated forms, anchored on the separator (a pattern starting with a class such as \d
        // would make Hyperscan test every byte).
        p.append(PIIPattern(kinds: [.cnMobile], expression: #"-\d{4}-\d{4}"#, flags: 0,
                            extent: .token(ByteClass("0-9-"), trim: ByteClass("-"))))
        p.append(PIIPattern(kinds: [.cnLandline], expression: #"-[2-8]\d{6}"#, flags: 0,
                            extent: .token(ByteClass("0-9-"), trim: ByteClass("-"))))
        p.append(PIIPattern(kinds: [.cnLandline], expression: #"\)-?[2-8]\d{6}"#, flags: 0,
                            extent: .token(ByteClass("0-9()-"), trim: ByteClass("-"))))
        p.append(PIIPattern(kinds: [.usSSN], expression: #"-\d{2}-\d{4}"#, flags: 0,
                            extent: .token(ByteClass("0-9-"), trim: none)))
        let alnumUpper = ByteClass("0-9A-Z")
        p.append(PIIPattern(kinds: [.taiwanPermit], expression: #"\([A-Z]\)"#, flags: 0,
                            extent: .token(ByteClass("0-9A-Z()"), trim: none)))
        // Country codes as a literal set: a bare [A-Z]{2} start would make Hyperscan test every capital.
        let countries = "(?:" + IBAN.lengths.keys.sorted().joined(separator: "|") + ")"
        p.append(PIIPattern(kinds: [.iban], expression: countries + #"\d{2}[A-Z0-9]{11}"#, flags: 0, extent: .token(alnumUpper, trim: none)))
        p.append(PIIPattern(kinds: [.iban], expression: countries + #"\d{2}(?: [A-Z0-9]{4}){3,7}(?: [A-Z0-9]{1,4})?"#,
                            flags: HSFlag.somLeftmost, extent: .som))
        // Network and device identifiers.
        p.append(PIIPattern(kinds: [.email], expression: "", flags: 0,
                            extent: .emailAddress(ByteClass("A-Za-z0-9._%+@-"), trim: ByteClass(".-"))))
        p.append(PIIPattern(kinds: [.ipv4], expression: #"\.\d{1,3}\.\d{1,3}\.\d"#, flags: 0,
                            extent: .token(ByteClass("0-9."), trim: ByteClass("."))))
        p.append(PIIPattern(kinds: [.ipv6], expression: #":[0-9A-Fa-f]{0,4}:"#, flags: 0,
                            extent: .token(ByteClass("0-9A-Fa-f:."), trim: ByteClass(".:"))))
        p.append(PIIPattern(kinds: [.mac], expression: #"[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-]"#, flags: 0,
                            extent: .token(ByteClass("0-9A-Fa-f:-"), trim: none)))
        p.append(PIIPattern(kinds: [.mac], expression: #"\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"#, flags: 0,
                            extent: .token(ByteClass("0-9A-Fa-f."), trim: ByteClass("."))))
        // Chinese text: plates, labelled names, addresses.
        p.append(PIIPattern(kinds: [.cnPlate],
                            expression: "(?:\(provinceChars))[A-HJ-NP-Z](?:·|•| )?(?:[A-HJ-NP-Z0-9]{4}(?:[A-HJ-NP-Z0-9]|挂|学|警|港|澳)|[DF][A-HJ-NP-Z0-9]\\d{4}|\\d{5}[DF])",
                            flags: HSFlag.somLeftmost | HSFlag.utf8, extent: .som))
        p.append(PIIPattern(kinds: [.personName], expression: "(?:\(nameLabels))[ \\t:：]{0,3}[\\x{4e00}-\\x{9fa5}]{2}",
                            flags: HSFlag.utf8, extent: .labelledName))
        return p
    }()

    /// Addresses start with a province or city name: one literal set per name length, so the
    /// start is the end minus the width without asking Hyperscan for start offsets.
    static let address: [PIIPattern] = {
        var p: [PIIPattern] = []
        var byWidth: [Int: [String]] = [:]
        for name in AddressNames.starts { byWidth[name.utf8.count, default: []].append(name) }
        for (width, names) in byWidth.sorted(by: { $0.key < $1.key }) {
            p.append(PIIPattern(kinds: [.address], expression: "(?:" + names.joined(separator: "|") + ")", flags: 0,
                                extent: .regionAddress(width: width)))
        }
        return p
    }()
}

/// Words near a value that make it more likely to be what it looks like (lower-case ASCII or Chinese).
enum PIIContext {
    @inline(__always) static func words(_ kind: PIIKind) -> [[UInt8]] { byOrdinal[kind.ordinal] }
    static let byOrdinal: [[[UInt8]]] = PIIKind.allCases.map { table[$0] ?? [] }

    static let table: [PIIKind: [[UInt8]]] = {
        let raw: [PIIKind: [String]] = [
            .cnIDCard: ["身份证", "证件号", "身份号", "公民身份", "idcard", "id_card", "id_no", "idno", "identity", "sfz", "证件"],
            .cnIDCard15: ["身份证", "证件号", "身份号", "idcard", "id_card", "id_no", "idno", "sfz", "证件"],
            .cnMobile: ["手机", "电话", "联系方式", "mobile", "phone", "tel", "cell"],
            .cnLandline: ["电话", "座机", "固话", "传真", "tel", "phone", "fax"],
            .bankCard: ["卡号", "银行卡", "账号", "帐号", "账户", "card", "account", "acct", "bank"],
            .creditCard: ["信用卡", "卡号", "card", "visa", "master", "amex", "cc_", "pan"],
            .cnUSCC: ["信用代码", "统一社会", "uscc", "税号", "纳税人", "credit_code"],
            .passport: ["护照", "passport"],
            .hkMacaoPermit: ["港澳", "通行证", "回乡证", "permit"],
            .taiwanPermit: ["台湾", "台胞", "通行证", "permit"],
            .cnPlate: ["车牌", "号牌", "plate", "车辆"],
            .email: ["邮箱", "邮件", "email", "e-mail", "mail"],
            .ipv4: ["ip", "地址", "host", "addr"],
            .ipv6: ["ip", "地址", "host", "addr"],
            .mac: ["mac", "物理地址", "hwaddr", "ether"],
            .imei: ["imei", "设备号", "串号", "device"],
            .personName: ["姓名", "名字", "联系人", "name"],
            .address: ["地址", "住址", "address", "addr"],
            .iban: ["iban", "account"],
            .usSSN: ["ssn", "social security"],
        ]
        return raw.mapValues { $0.map { Array($0.utf8) } }
    }()

    /// Words that say a number is an identifier of a thing, not of a person (订单号 13812345678 is
    /// an order number even though it is shaped like a phone number).
    static let negative: [[UInt8]] = ["订单", "流水", "单号", "编号", "序号", "批次", "交易号", "工单", "order", "serial", "txn", "trade",
                                      "invoice", "batch", "seq", "build"].map { Array($0.utf8) }
    /// Kinds without a strong checksum, which a negative word can overrule.
    static func weighsNegative(_ kind: PIIKind) -> Bool {
        switch kind {
        case .cnMobile, .bankCard, .creditCard, .cnUSCC, .imei, .cnIDCard15, .cnLandline, .passport, .hkMacaoPermit, .taiwanPermit: return true
        default: return false
        }
    }

    static func firstByteClass(_ words: [[UInt8]]) -> ByteClass {
        var c = ByteClass()
        for w in words { c.insert(w[0]) }
        return c
    }

    /// Whether b[s..<e] contains one of `words` (lower-case; ASCII caseless), in one pass that
    /// only tries positions whose byte starts some word.
    @inline(__always) static func containsAny(_ words: [[UInt8]], first: ByteClass, _ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var i = s
        while i < e {
            var c = b[i]
            if c >= 65 && c <= 90 { c |= 0x20 }
            if first.contains(c) {
                for w in words where w[0] == c && i + w.count <= e {
                    if ByteSearch.containsCaseless(b, i, i + w.count, w) { return true }
                }
            }
            i += 1
        }
        return false
    }

    /// Words that mark data as sensitive whatever its kind.
    static let general: [[UInt8]] = ["密码", "password", "secret", "敏感", "隐私", "private"].map { Array($0.utf8) }

    /// How much a kind-specific context word adds: more for kinds without a checksum.
    static func boost(_ kind: PIIKind) -> Double {
        switch kind {
        case .passport, .hkMacaoPermit, .taiwanPermit, .imei, .cnIDCard15, .usSSN: return 0.4
        case .personName: return 0.25
        default: return 0.1
        }
    }
}
