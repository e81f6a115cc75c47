/// `mask-address`: keeps the address down to the county level (区/县/旗, or a county-level 市)
/// and masks the street, building and room: 北京市朝阳区建国路88号 → 北京市朝阳区****.
/// An address with no recognisable administrative prefix does not fit (it is not an address
/// this strategy can keep anything of).
final class MaskAddressStrategy: MaskStrategy {
    let name = "mask-address"
    let stars: [UInt8]
    init(stars: Int = 4, maskChar: String = "*") {
        self.stars = Array(String(repeating: maskChar, count: stars).utf8)
    }
    static func make(_ p: inout StrategyParameters) throws -> MaskAddressStrategy {
        let c = p.string("char", default: "*")
        guard c.count == 1 else { throw PolicyError("\(p.origin): char must be one character, not '\(c)'") }
        return MaskAddressStrategy(stars: try p.int("stars", default: 4, range: 1...64), maskChar: c)
    }
    var parameters: [(String, String)] { [("stars", "\(stars.count)")] }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        guard let end = AddressPrefix.countyEnd(value) else { return .invalid }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[0..<end]))
        if end < value.count { out.append(contentsOf: stars) }
        return .written
    }
    func copy() throws -> MaskStrategy { self }
}

/// Finds where the administrative part of a Chinese address ends.
enum AddressPrefix {
    static let qu: UInt32 = 0x533A      // 区
    static let xian: UInt32 = 0x53BF    // 县
    static let qi: UInt32 = 0x65D7      // 旗
    static let shi: UInt32 = 0x5E02     // 市
    static let zhou: UInt32 = 0x5DDE    // 州
    static let meng: UInt32 = 0x76DF    // 盟
    static let sheng: UInt32 = 0x7701   // 省
    static let zhi: UInt32 = 0x6CBB     // 治 (自治区, 自治州, 自治县)
    /// Characters that start the street-level part: 镇 乡 街 路 道 村 巷 弄 号 栋 楼 室.
    @inline(__always) static func isStreetStart(_ s: UInt32) -> Bool {
        switch s {
        case 0x9547, 0x4E61, 0x8857, 0x8DEF, 0x9053, 0x6751, 0x5DF7, 0x5F04, 0x53F7, 0x680B, 0x697C, 0x5BA4: return true
        default: return false
        }
    }

    /// Byte offset just after the county-level name, or nil if there is none.
    /// The first 区/县/旗 ends it (a 区 in 自治区 is a province); failing that, the last
    /// 市/州/盟 before the street part does (县级市 such as 昆山市). A street character that is
    /// part of a county name (道里区, 路北区) does not end the prefix.
    static func countyEnd(_ v: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        var chars = 0
        var previous: UInt32 = 0
        var lastCityEnd: Int?
        while i < v.count && chars < 24 {
            let (s, n) = UTF8Bytes.scalar(v, at: i)
            if s < 0x80 && UTF8Bytes.isDigit(UInt8(s)) { break }
            if isStreetStart(s) && chars >= 2 && !countySuffixFollows(v, from: i + n) { break }
            let end = i + n
            if (s == qu && previous != zhi) || s == xian || s == qi {
                if chars >= 2 { return end }
            } else if s == shi || s == zhou || s == meng {
                if chars >= 1 { lastCityEnd = end }
            }
            previous = s
            i = end
            chars += 1
        }
        return lastCityEnd
    }

    /// Whether 区/县/旗 comes within the next three characters.
    static func countySuffixFollows(_ v: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var i = start
        for _ in 0..<3 where i < v.count {
            let (s, n) = UTF8Bytes.scalar(v, at: i)
            if s == qu || s == xian || s == qi { return true }
            if isStreetStart(s) || s < 0x80 { return false }
            i += n
        }
        return false
    }
}
