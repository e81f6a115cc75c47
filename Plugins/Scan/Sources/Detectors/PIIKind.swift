import DSToolKit

/// How sensitive a kind of personal data is (GB/T 35273-2020 §3.1-3.2; Appendix B lists the
/// sensitive kinds: identity documents, bank and payment accounts...).
public enum PIISensitivity: String, Codable, CaseIterable, Comparable, Sendable {
    /// Technical identifiers that point at a device or a network endpoint.
    case technical
    /// Public registration data (company codes): not personal, still reportable.
    case publicRecord = "public"
    /// 个人信息.
    case personal
    /// 敏感个人信息.
    case sensitive

    public static func < (a: PIISensitivity, b: PIISensitivity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
    public var title: LocalizedText {
        switch self {
        case .technical: return LocalizedText(en: "technical identifier", zh: "设备/网络标识")
        case .publicRecord: return LocalizedText(en: "public registration data", zh: "公开登记信息")
        case .personal: return LocalizedText(en: "personal information", zh: "个人信息")
        case .sensitive: return LocalizedText(en: "sensitive personal information", zh: "敏感个人信息")
        }
    }
}

/// Kinds of personal and sensitive data dstool recognises. Raw values are stable identifiers
/// (rule ids are `pii.<raw value>`; other plugins and policies name kinds by them).
public enum PIIKind: String, CaseIterable, Codable, Sendable {
    case cnIDCard = "cn_id_card"
    case cnIDCard15 = "cn_id_card_15"
    case cnMobile = "cn_mobile"
    case cnLandline = "cn_landline"
    case bankCard = "bank_card"
    case cnUSCC = "cn_uscc"
    case passport = "passport"
    case hkMacaoPermit = "hk_macao_permit"
    case taiwanPermit = "taiwan_permit"
    case cnPlate = "cn_plate"
    case email = "email"
    case ipv4 = "ipv4"
    case ipv6 = "ipv6"
    case mac = "mac"
    case imei = "imei"
    case personName = "person_name"
    case address = "address"
    case creditCard = "credit_card"
    case iban = "iban"
    case usSSN = "us_ssn"

    /// Position in `allCases`, for arrays indexed by kind (no hashing in the scan loop).
    @inline(__always) public var ordinal: Int {
        switch self {
        case .cnIDCard: return 0
        case .cnIDCard15: return 1
        case .cnMobile: return 2
        case .cnLandline: return 3
        case .bankCard: return 4
        case .cnUSCC: return 5
        case .passport: return 6
        case .hkMacaoPermit: return 7
        case .taiwanPermit: return 8
        case .cnPlate: return 9
        case .email: return 10
        case .ipv4: return 11
        case .ipv6: return 12
        case .mac: return 13
        case .imei: return 14
        case .personName: return 15
        case .address: return 16
        case .creditCard: return 17
        case .iban: return 18
        case .usSSN: return 19
        }
    }
    public static let count = 20

    /// The rule id findings of this kind carry.
    public var ruleId: String { "pii." + rawValue }

    public var title: LocalizedText {
        switch self {
        case .cnIDCard: return LocalizedText(en: "Resident identity card number", zh: "居民身份证号")
        case .cnIDCard15: return LocalizedText(en: "Resident identity card number (15-digit, legacy)", zh: "居民身份证号（15位旧号）")
        case .cnMobile: return LocalizedText(en: "Mobile phone number", zh: "手机号码")
        case .cnLandline: return LocalizedText(en: "Landline phone number", zh: "固定电话号码")
        case .bankCard: return LocalizedText(en: "Bank card number", zh: "银行卡号")
        case .cnUSCC: return LocalizedText(en: "Unified social credit code", zh: "统一社会信用代码")
        case .passport: return LocalizedText(en: "Passport number", zh: "护照号码")
        case .hkMacaoPermit: return LocalizedText(en: "Hong Kong/Macao travel permit number", zh: "港澳通行证号码")
        case .taiwanPermit: return LocalizedText(en: "Taiwan travel permit number", zh: "台湾通行证号码")
        case .cnPlate: return LocalizedText(en: "Vehicle licence plate", zh: "机动车号牌")
        case .email: return LocalizedText(en: "Email address", zh: "电子邮箱地址")
        case .ipv4: return LocalizedText(en: "IPv4 address", zh: "IPv4 地址")
        case .ipv6: return LocalizedText(en: "IPv6 address", zh: "IPv6 地址")
        case .mac: return LocalizedText(en: "MAC address", zh: "MAC 地址")
        case .imei: return LocalizedText(en: "IMEI device number", zh: "IMEI 设备识别码")
        case .personName: return LocalizedText(en: "Person name", zh: "姓名")
        case .address: return LocalizedText(en: "Postal address", zh: "详细地址")
        case .creditCard: return LocalizedText(en: "Credit card number", zh: "信用卡号")
        case .iban: return LocalizedText(en: "IBAN bank account", zh: "国际银行账号（IBAN）")
        case .usSSN: return LocalizedText(en: "US social security number", zh: "美国社会安全号")
        }
    }

    public var sensitivity: PIISensitivity {
        switch self {
        case .cnIDCard, .cnIDCard15, .bankCard, .passport, .hkMacaoPermit, .taiwanPermit, .creditCard, .iban, .usSSN:
            return .sensitive
        case .cnMobile, .cnLandline, .cnPlate, .email, .personName, .address:
            return .personal
        case .ipv4, .ipv6, .mac, .imei:
            return .technical
        case .cnUSCC:
            return .publicRecord
        }
    }

    /// Severity of one finding of this kind when nothing else is known.
    public var defaultSeverity: Severity {
        switch self {
        case .cnIDCard, .bankCard, .creditCard, .usSSN, .iban: return .high
        case .cnIDCard15, .passport, .hkMacaoPermit, .taiwanPermit: return .high
        case .cnMobile, .address, .imei: return .medium
        case .cnLandline, .cnPlate, .email, .personName: return .low
        case .ipv4, .ipv6, .mac: return .low
        case .cnUSCC: return .info
        }
    }

    /// Weight of one value in the data-level estimate (see DataLevelEstimator): sensitive
    /// personal information counts fully, other personal information less, the rest not at all.
    public var dataLevelWeight: Double {
        switch sensitivity {
        case .sensitive: return 1.0
        case .personal: return 0.5
        case .technical: return 0.1
        case .publicRecord: return 0
        }
    }

    /// The data level one occurrence implies on its own (GB/T 43697-2024: personal information
    /// is at least general data; volume lifts it, see DataLevelEstimator).
    public var baseDataLevel: DataLevel { .general }

    /// Legal and standard references for findings of this kind.
    public var references: [String] {
        switch sensitivity {
        case .sensitive: return ["个人信息保护法 第二十八条", "GB/T 35273-2020 附录B", "GB/T 43697-2024"]
        case .personal: return ["个人信息保护法 第四条", "GB/T 35273-2020 附录A", "GB/T 43697-2024"]
        case .technical: return ["GB/T 35273-2020 附录A", "GB/T 43697-2024"]
        case .publicRecord: return ["GB 32100-2015"]
        }
    }
}
