import FoundationEssentials
import Glibc

/// Validators for every PIIKind. A value that fails its validator is not that kind: the
/// scanner drops such matches, masking uses the same checks to decide what to replace.
public enum PIIValidators {
    /// Whether `value` (the whole string, no surrounding text) is a valid value of `kind`.
    public static func isValid(_ kind: PIIKind, _ value: String) -> Bool {
        confidence(kind, value) != nil
    }

    /// The kind of a whole value (a table cell, a JSON field), or nil. Kinds with checksums are
    /// tried first, so an 18-digit value that passes GB 11643 is an ID number, not a card.
    public static func classify(_ value: String) -> PIIKind? {
        classify(value, column: nil)
    }

    /// Order in which `classify` tries kinds (most specific first).
    static let classifyOrder: [PIIKind] = [
        .cnIDCard, .cnUSCC, .iban, .bankCard, .creditCard, .cnMobile, .email, .ipv4, .ipv6, .mac, .usSSN,
        .cnLandline, .cnPlate, .hkMacaoPermit, .passport, .taiwanPermit, .imei, .cnIDCard15, .address, .personName,
    ]

    /// Confidence (0...1) that `value` is a `kind`, from its structure and checksum alone
    /// (no surrounding context); nil if it is not one.
    public static func confidence(_ kind: PIIKind, _ value: String) -> Double? {
        var v = value
        return v.withUTF8 { confidence(kind, $0) }
    }

    /// Same over raw UTF-8 bytes (what the scanner calls, no allocation for most kinds).
    public static func confidence(_ kind: PIIKind, _ b: UnsafeBufferPointer<UInt8>) -> Double? {
        switch kind {
        case .cnIDCard: return idCard(b)
        case .cnIDCard15:
            guard let v = CNIDCard.legacyValidity(b) else { return nil }
            return v == .known ? 0.6 : 0.45
        case .cnMobile: return mobile(b)
        case .cnLandline: return landline(b)
        case .bankCard: return bankCard(b)
        case .creditCard: return creditCard(b)
        case .cnUSCC: return USCC.isValid(b) ? 0.9 : nil
        case .passport: return passport(b)
        case .hkMacaoPermit: return hkMacaoPermit(b)
        case .taiwanPermit: return taiwanPermit(b)
        case .cnPlate: return plate(b)
        case .email: return email(b)
        case .ipv4: return ipv4(b)
        case .ipv6: return ipv6(b)
        case .mac: return mac(b)
        case .imei: return imei(b)
        case .personName: return ChineseSurnames.isPlausibleName(b) ? 0.6 : nil
        case .address: return address(b)
        case .iban:
            if b.contains(32) { return Array(b).filter { $0 != 32 }.withUnsafeBufferPointer { IBAN.isValid($0) } ? 0.9 : nil }
            return IBAN.isValid(b) ? 0.9 : nil
        case .usSSN: return ssn(b)
        }
    }

    /// 居民身份证号: a county of the 2023 table is surer than a retired or unknown one.
    @inline(__always) static func idCard(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        idCard(b, DigitTables.shared)
    }

    /// idCard with the region codes and today's date taken from `t`.
    @inline(__always) static func idCard(_ b: UnsafeBufferPointer<UInt8>, _ t: DigitTables) -> Double? {
        guard let v = CNIDCard.validity(b, t) else { return nil }
        return v == .known ? 0.95 : 0.8
    }

    /// The highest confidence `confidence(kind, _)` gives: a caller holding a verdict at least
    /// this confident need not ask (kept next to the validators it summarises).
    static func maxConfidence(_ kind: PIIKind) -> Double {
        switch kind {
        case .cnIDCard, .bankCard: return 0.95
        case .cnUSCC, .email, .iban: return 0.9
        case .cnMobile, .creditCard, .address: return 0.85
        case .ipv4, .ipv6, .mac: return 0.8
        case .cnLandline, .cnPlate: return 0.75
        case .cnIDCard15, .personName, .usSSN, .taiwanPermit: return 0.6
        case .passport, .hkMacaoPermit: return 0.5
        case .imei: return 0.4
        }
    }

    /// The lengths of a digit-run token (digits, capitals and x: no separators, see
    /// PIIExtent.digitRun) at which `confidence(kind, _)` can be non-nil, as bits (bit n: n
    /// bytes); every length for kinds no digit run is tried as. Kept next to the validators it
    /// summarises: digit runs no asked kind can be are not made candidates (phone numbers, when
    /// only ID and card numbers are asked, were each validated as every one of those kinds).
    static func digitRunLengths(_ kind: PIIKind) -> UInt32 {
        func bits(_ lengths: Int...) -> UInt32 { lengths.reduce(0) { $0 | 1 << UInt32($1) } }
        switch kind {
        case .cnIDCard, .cnUSCC: return bits(18)
        case .cnIDCard15, .imei: return bits(15)
        case .cnMobile: return bits(11, 13)                  // 13: with 86 before it
        case .bankCard: return bits(16, 17, 18, 19)
        case .creditCard: return bits(13, 14, 15, 16, 17, 18, 19)
        case .passport: return bits(8, 9)
        case .hkMacaoPermit: return bits(9, 11)
        case .taiwanPermit: return bits(8, 9, 13)
        default: return ~0
        }
    }

    // MARK: helpers over bytes

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) static func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
    @inline(__always) static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 97 && c | 0x20 <= 102) }
    @inline(__always) static func allDigits(_ b: UnsafeBufferPointer<UInt8>) -> Bool { b.allSatisfy(isDigit) }
    @inline(__always) static func digitValue(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        var v = 0
        for k in i..<(i + n) { v = v * 10 + Int(b[k] &- 48) }
        return v
    }
    /// Eight digit values (byte k: digit k, 0...9, as `word ^ 0x3030..` of eight ASCII digits
    /// loaded little-endian) as four two-digit numbers, 16 bits each: bits 16j..<16j+16 hold
    /// digit 2j times 10 plus digit 2j+1. Values above 9 give numbers without meaning.
    @inline(__always) static func digitPairs(_ digits: UInt64) -> UInt64 {
        (digits & 0x00FF_00FF_00FF_00FF) &* 10 &+ (digits &>> 8 & 0x00FF_00FF_00FF_00FF)
    }
    /// Letters of passports and permits: A-Z without I and O.
    @inline(__always) static func isDocLetter(_ c: UInt8) -> Bool { isUpper(c) && c != 73 && c != 79 }

    /// Digits only, with `+86`/`0086`/`86` and single spaces or dashes between groups removed.
    static func compactDigits(_ b: UnsafeBufferPointer<UInt8>, allowCountryCode: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        if allowCountryCode {
            if b.count > 3, b[0] == 43, b[1] == 56, b[2] == 54 { i = 3 }            // +86
            else if b.count > 4, b[0] == 48, b[1] == 48, b[2] == 56, b[3] == 54 { i = 4 }   // 0086
            while i < b.count, b[i] == 32 || b[i] == 45 { i += 1 }
        }
        var lastSep = true
        while i < b.count {
            let c = b[i]
            if isDigit(c) { out.append(c); lastSep = false }
            else if (c == 32 || c == 45) && !lastSep { lastSep = true }
            else { return nil }
            i += 1
        }
        return lastSep && !out.isEmpty ? nil : out
    }

    static let mobilePrefixes: Set<Int> = [
        130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 146, 147, 148, 149, 150, 151, 152, 153, 155, 156, 157,
        158, 159, 162, 165, 166, 167, 170, 171, 172, 173, 175, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187,
        188, 189, 190, 191, 192, 193, 195, 196, 197, 198, 199,
    ]

    /// mobilePrefixes as a table indexed by the three digits.
    static let mobilePrefixTable: [Bool] = (0..<1000).map { mobilePrefixes.contains($0) }

    static func mobile(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        if allDigits(b) { return mobileDigits(b) }
        guard b.count <= 20, let d = compactDigits(b, allowCountryCode: true), d.count == 11 else { return nil }
        return d.withUnsafeBufferPointer { mobilePrefixTable[digitValue($0, 0, 3)] } ? 0.85 : nil
    }

    /// mobile over ASCII digits only (a table's phone column: the caller knows they are digits).
    @inline(__always) static func mobileDigits(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        mobileDigits(b, DigitTables.shared)
    }

    /// mobileDigits with the prefix table taken from `t`.
    @inline(__always) static func mobileDigits(_ b: UnsafeBufferPointer<UInt8>, _ t: DigitTables) -> Double? {
        if b.count == 11 { return t.mobilePrefixes[digits3(b, 0)] ? 0.85 : nil }
        // 86 country code written without a plus sign, as in exported contact lists.
        if b.count == 13 && b[0] == 56 && b[1] == 54 { return t.mobilePrefixes[digits3(b, 2)] ? 0.8 : nil }
        return nil
    }

    /// digitValue(b, i, 3) written out (every phone number of a column asks it).
    @inline(__always) static func digits3(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        Int(b[i] &- 48) &* 100 &+ Int(b[i &+ 1] &- 48) &* 10 &+ Int(b[i &+ 2] &- 48)
    }

    /// 010-12345678, 0571-8888888, (020)12345678, with an optional extension -123.
    static func landline(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let paren = b.first == 40
        if paren { i = 1 }
        let areaStart = i
        while i < b.count, isDigit(b[i]) { i += 1 }
        let areaLen = i - areaStart
        guard areaLen == 3 || areaLen == 4, b[areaStart] == 48 else { return nil }
        let a2 = b[areaStart + 1]
        if areaLen == 3 { guard a2 == 49 || a2 == 50 else { return nil } }     // 010, 02x
        else { guard a2 >= 51 else { return nil } }                            // 03xx-09xx
        if paren { guard i < b.count, b[i] == 41 else { return nil }; i += 1; if i < b.count, b[i] == 32 || b[i] == 45 { i += 1 } }
        else { guard i < b.count, b[i] == 45 || b[i] == 32 else { return nil }; i += 1 }
        let localStart = i
        while i < b.count, isDigit(b[i]) { i += 1 }
        let localLen = i - localStart
        guard localLen == 7 || localLen == 8, b[localStart] >= 50 else { return nil }
        if i < b.count {
            guard b[i] == 45, i + 1 < b.count else { return nil }
            i += 1
            let extStart = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            guard i == b.count, i - extStart <= 5 else { return nil }
        }
        return 0.75
    }

    /// BINs of large Chinese issuers (UnionPay 62 prefixes). A known BIN raises confidence.
    static let knownBankBINs: Set<Int> = [
        622202, 622203, 622208, 621226, 621225, 620200, 622848, 622845, 621282, 621700, 622700, 622280, 436742,
        622588, 621483, 622609, 622262, 621661, 622760, 601382, 621785, 622150, 621098, 622155, 622689, 622630,
        622908, 621771, 622909, 621469, 622188, 622823, 621286, 622836, 622818, 622616, 622521, 623668,
    ]

    /// knownBankBINs as bits indexed by the six digits (one load, no hashing, per card).
    static let knownBankBINBits: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1_000_000 / 64 + 1)
        for b in knownBankBINs { bits[b >> 6] |= 1 << UInt64(b & 63) }
        return bits
    }()

    /// The digits of a card number: the value itself when it is only digits (no allocation),
    /// else with single spaces or dashes between groups removed.
    @inline(__always) static func withCardDigits<R>(_ b: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R? {
        if allDigits(b) { return b.count >= 13 && b.count <= 19 ? body(b) : nil }
        guard b.count <= 24, let d = compactDigits(b, allowCountryCode: false), d.count >= 13, d.count <= 19 else { return nil }
        return d.withUnsafeBufferPointer(body)
    }

    /// China UnionPay (62) and the older domestic prefixes, 16-19 digits, Luhn.
    static func bankCard(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        // A plain number (a table's card column) is checked in place, without a closure call.
        if allDigits(b) { return b.count >= 16 && b.count <= 19 ? bankCardDigits(b) : nil }
        return withCardDigits(b) { d in d.count >= 16 ? bankCardDigits(d) : nil }
    }

    /// bankCard over 16 to 19 ASCII digits (the caller knows they are digits).
    @inline(__always) static func bankCardDigits(_ d: UnsafeBufferPointer<UInt8>) -> Double? {
        bankCardDigits(d, DigitTables.shared)
    }

    /// bankCardDigits with the BIN table taken from `t`.
    @inline(__always) static func bankCardDigits(_ d: UnsafeBufferPointer<UInt8>, _ t: DigitTables) -> Double? {
        // The first eight digits as pairs (at least sixteen digits are there): 62..., 9558...
        let pairs = digitPairs(UInt64(littleEndian: UnsafeRawPointer(d.baseAddress!).loadUnaligned(as: UInt64.self)) ^ 0x3030_3030_3030_3030)
        let p0 = Int(pairs & 0xFFFF), p1 = Int(pairs &>> 16 & 0xFFFF), p2 = Int(pairs &>> 32 & 0xFFFF)
        // Every caller has 16 to 19 digits: Luhn's path for those, inlined (not Luhn.isValid's call).
        guard p0 == 62 || (p0 == 95 && p1 == 58), Luhn.isValid16to19(d) else { return nil }
        let bin = p0 &* 10_000 &+ p1 &* 100 &+ p2
        return t.bankBINs[bin >> 6] & (1 << UInt64(bin & 63)) != 0 ? 0.95 : 0.85
    }

    enum CardBrand { case visa, mastercard, amex, jcb, discover, diners, unionpay }

    static func brand(_ d: UnsafeBufferPointer<UInt8>) -> CardBrand? {
        let n = d.count
        if d[0] == 52 && (n == 13 || n == 16 || n == 19) { return .visa }
        let p2 = digitValue(d, 0, 2), p3 = digitValue(d, 0, 3), p4 = digitValue(d, 0, 4)
        if n == 16 && ((51...55).contains(p2) || (2221...2720).contains(p4)) { return .mastercard }
        if n == 15 && (p2 == 34 || p2 == 37) { return .amex }
        if (16...19).contains(n) && (3528...3589).contains(p4) { return .jcb }
        if (16...19).contains(n) && (p4 == 6011 || p2 == 65 || (644...649).contains(p3)) { return .discover }
        if n == 14 && (p2 == 36 || p2 == 38 || (300...305).contains(p3)) { return .diners }
        if (16...19).contains(n) && p2 == 62 { return .unionpay }
        return nil
    }

    /// International card brands (not UnionPay, which is a bank card), Luhn.
    static func creditCard(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        withCardDigits(b) { d in
            guard let br = brand(d), br != .unionpay, Luhn.isValid(d) else { return nil }
            // Numbers of one or two repeated digits (4111 1111 1111 1111) are placeholders.
            var seen: UInt16 = 0
            for c in d.dropFirst() { seen |= 1 << UInt16(c - 48) }
            return seen.nonzeroBitCount <= 2 ? nil : 0.85
        }
    }

    /// Chinese passports: E + 8 digits, E + letter + 7 digits (2019 on), G + 8 digits (older);
    /// service and diplomatic: D/S/P + (E) + 7 digits.
    static func passport(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard b.count == 9 || b.count == 8 else { return nil }
        let c0 = b[0]
        if b.count == 9 {
            if (c0 == 69 || c0 == 71), allDigits(UnsafeBufferPointer(rebasing: b[1...])) { return 0.45 }
            if c0 == 69, isDocLetter(b[1]), allDigits(UnsafeBufferPointer(rebasing: b[2...])) { return 0.5 }
            if (c0 == 68 || c0 == 83 || c0 == 80), b[1] == 69, allDigits(UnsafeBufferPointer(rebasing: b[2...])) { return 0.45 }
            return nil
        }
        if (c0 == 68 || c0 == 83 || c0 == 80), allDigits(UnsafeBufferPointer(rebasing: b[1...])) { return 0.4 }
        return nil
    }

    /// 往来港澳通行证: C + letter or digit + 7 digits, or W + 8 digits (older);
    /// 港澳居民来往内地通行证: H or M + 8 or 10 digits.
    static func hkMacaoPermit(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard b.count >= 9 else { return nil }
        let c0 = b[0]
        let rest = UnsafeBufferPointer(rebasing: b[1...])
        if b.count == 9 && c0 == 67 && (isDocLetter(b[1]) || isDigit(b[1])) && allDigits(UnsafeBufferPointer(rebasing: b[2...])) { return 0.5 }
        if b.count == 9 && c0 == 87 && allDigits(rest) { return 0.45 }
        if (b.count == 9 || b.count == 11) && (c0 == 72 || c0 == 77) && allDigits(rest) { return 0.5 }
        return nil
    }

    /// 大陆居民往来台湾通行证: L + 8 digits; 台湾居民来往大陆通行证: 8 digits, or 10 digits with a
    /// letter in brackets (older): the bare 8-digit form only counts with context.
    static func taiwanPermit(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        if b.count == 9 && b[0] == 76 && allDigits(UnsafeBufferPointer(rebasing: b[1...])) { return 0.5 }
        if b.count == 13 && allDigits(UnsafeBufferPointer(rebasing: b[0..<10])) && b[10] == 40 && isUpper(b[11]) && b[12] == 41 { return 0.6 }
        if b.count == 8 && allDigits(b) { return 0.2 }
        return nil
    }

    static let plateProvinces: Set<UInt32> = Set("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼".unicodeScalars.map(\.value))
    static let plateSuffixes: Set<UInt32> = Set("挂学警港澳".unicodeScalars.map(\.value))

    /// 京A12345, 粤B·D12345 (new energy: D/F then 5 characters, or 5 digits then D/F).
    static func plate(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        let s = String(decoding: b, as: UTF8.self).unicodeScalars.map(\.value).filter { $0 != 0xB7 && $0 != 0x2022 && $0 != 0x20 }
        guard s.count == 7 || s.count == 8, plateProvinces.contains(s[0]) else { return nil }
        func letter(_ v: UInt32) -> Bool { v >= 65 && v <= 90 && v != 73 && v != 79 }
        func digit(_ v: UInt32) -> Bool { v >= 48 && v <= 57 }
        guard letter(s[1]) else { return nil }
        let serial = Array(s[2...])
        if s.count == 7 {
            let last = serial[4]
            let body = plateSuffixes.contains(last) ? Array(serial[0..<4]) : serial
            guard body.allSatisfy({ letter($0) || digit($0) }), plateSuffixes.contains(last) || letter(last) || digit(last) else { return nil }
            // Serials have at most two letters (GA 36-2018).
            guard body.filter(letter).count <= 2, body.contains(where: digit) else { return nil }
            return 0.7
        }
        // New-energy plates.
        let small = (serial[0] == 68 || serial[0] == 70) && (letter(serial[1]) || digit(serial[1])) && serial[2...].allSatisfy(digit)
        let large = serial[0..<5].allSatisfy(digit) && (serial[5] == 68 || serial[5] == 70)
        return small || large ? 0.75 : nil
    }

    static func email(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard b.count >= 6, b.count <= 254, let at = b.firstIndex(of: 64), at > 0, at <= 64 else { return nil }
        for i in 0..<at {
            let c = b[i]
            guard isDigit(c) || isUpper(c) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 37 || c == 43 || c == 45 else { return nil }
        }
        guard b[0] != 46, b[at - 1] != 46 else { return nil }
        // Domain: labels of letters, digits and hyphens; a last label of 2+ letters.
        var labelLen = 0, labels = 0, lastLetters = true
        for i in (at + 1)..<b.count {
            let c = b[i]
            if c == 46 {
                guard labelLen > 0, b[i - 1] != 45 else { return nil }
                labels += 1; labelLen = 0; lastLetters = true
                continue
            }
            guard isDigit(c) || isUpper(c) || (c >= 97 && c <= 122) || c == 45 else { return nil }
            if labelLen == 0 && c == 45 { return nil }
            labelLen += 1
            if !(isUpper(c) || (c >= 97 && c <= 122)) { lastLetters = false }
        }
        guard labels >= 1, labelLen >= 2, lastLetters else { return nil }
        // Placeholder domains are documentation, not people.
        let domain = String(decoding: UnsafeBufferPointer(rebasing: b[(at + 1)...]), as: UTF8.self).lowercased()
        if domain == "example.com" || domain == "example.org" || domain == "example.net" || domain.hasSuffix(".example") { return 0.5 }
        return 0.9
    }

    static func ipv4(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var parts = [Int](repeating: 0, count: 4)
        var idx = 0, digits = 0, value = 0
        for c in b {
            if c == 46 {
                guard digits > 0, idx < 3 else { return nil }
                parts[idx] = value; idx += 1; digits = 0; value = 0
                continue
            }
            guard isDigit(c) else { return nil }
            if digits == 1 && value == 0 { return nil }   // leading zero: a version string, not an address
            value = value * 10 + Int(c - 48); digits += 1
            guard digits <= 3, value <= 255 else { return nil }
        }
        guard idx == 3, digits > 0 else { return nil }
        parts[3] = value
        if parts.allSatisfy({ $0 == 0 }) { return nil }
        if parts[0] == 255 || parts[0] == 0 { return nil }                       // masks and "this network"
        if parts[0] == 127 || parts[0] == 10 || (parts[0] == 192 && parts[1] == 168)
            || (parts[0] == 172 && (16...31).contains(parts[1])) { return 0.6 }    // loopback and private
        return 0.8
    }

    static func ipv6(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard b.count >= 3, b.count <= 45, b.contains(where: isDigit) else { return nil }
        var colons = 0, hexDigits = 0, groups = 0, inGroup = false
        for c in b {
            if c == 58 { colons += 1; inGroup = false }
            else if isHex(c) { hexDigits += 1; if !inGroup { groups += 1; inGroup = true } }
            else if c != 46 { return nil }
        }
        guard colons >= 2, groups >= 2, hexDigits >= 3 else { return nil }
        var addr = in6_addr()
        let s = String(decoding: b, as: UTF8.self)
        guard inet_pton(AF_INET6, s, &addr) == 1 else { return nil }
        return 0.8
    }

    /// aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, or aabb.ccdd.eeff; one separator throughout.
    static func mac(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var hex = 0, zeroOrF = 0
        if b.count == 17 {
            let sep = b[2]
            guard sep == 58 || sep == 45 else { return nil }
            for i in 0..<17 {
                if i % 3 == 2 { guard b[i] == sep else { return nil }; continue }
                guard isHex(b[i]) else { return nil }
                hex += 1
                if b[i] == 48 || b[i] | 0x20 == 102 { zeroOrF += 1 }
            }
        } else if b.count == 14 {
            for i in 0..<14 {
                if i % 5 == 4 { guard b[i] == 46 else { return nil }; continue }
                guard isHex(b[i]) else { return nil }
                hex += 1
                if b[i] == 48 || b[i] | 0x20 == 102 { zeroOrF += 1 }
            }
        } else { return nil }
        guard hex == 12, zeroOrF < 12 else { return nil }   // 00:00:.. and ff:ff:.. are placeholders
        return 0.8
    }

    /// Reporting-body identifiers (first two digits of the TAC) in use.
    static let imeiBodies: Set<Int> = [1, 10, 30, 31, 32, 33, 35, 44, 45, 49, 50, 51, 52, 53, 54, 86, 91, 98, 99]

    static func imei(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard b.count == 15, allDigits(b), Luhn.isValid(b), imeiBodies.contains(digitValue(b, 0, 2)) else { return nil }
        return 0.4
    }

    static let addressDetailWords: [String] = ["路", "街", "道", "巷", "弄", "号", "村", "组", "室", "栋", "幢", "单元", "楼", "小区", "大厦", "社区"]
    static let addressLevelWords: [String] = ["省", "市", "区", "县", "旗", "盟", "州", "镇", "乡", "街道"]

    /// An address: starts with a province or city name, names a lower level, and ends in detail
    /// (road, number, village, room...).
    static func address(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard b.count >= 12, b.count <= 300 else { return nil }
        let s = String(decoding: b, as: UTF8.self)
        guard AddressNames.startsWithRegion(s) else { return nil }
        let levels = addressLevelWords.reduce(0) { $0 + (s.contains($1) ? 1 : 0) }
        let details = addressDetailWords.reduce(0) { $0 + (s.contains($1) ? 1 : 0) }
        guard levels >= 1, details >= 1 else { return nil }
        return levels + details >= 3 ? 0.85 : 0.7
    }

    static func ssn(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard b.count == 11, b[3] == 45, b[6] == 45 else { return nil }
        for i in [0, 1, 2, 4, 5, 7, 8, 9, 10] where !isDigit(b[i]) { return nil }
        let area = digitValue(b, 0, 3), group = digitValue(b, 4, 2), serial = digitValue(b, 7, 4)
        guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return nil }
        return 0.6
    }
}

/// Province and city names that start an address (full and short forms).
enum AddressNames {
    static let shortProvinces: [String] = [
        "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西",
        "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃",
        "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
    ]
    /// Names an address may begin with: every province (full and short) and every city name.
    static let starts: [String] = {
        var names = Set(shortProvinces)
        names.formUnion(DivisionCodes.provinceNames)
        names.formUnion(DivisionCodes.cityNames.filter { $0.count >= 3 })
        return names.sorted { $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1 }
    }()

    static func startsWithRegion(_ s: String) -> Bool { starts.contains { s.hasPrefix($0) } }
}

/// The tables the digit validators look values up in, as raw pointers that a caller validating
/// a whole column reads once: each use of a static table checks its one-time initialisation (a
/// call to swift_once per value, and a bounds check per array). Made on first use, never freed.
struct DigitTables {
    /// Per three digits: a current mobile prefix (PIIValidators.mobilePrefixes).
    let mobilePrefixes: UnsafePointer<Bool>
    /// PIIValidators.knownBankBINBits.
    let bankBINs: UnsafePointer<UInt64>
    /// DivisionCodes.bits.
    let provinces: UnsafePointer<Bool>
    let cities: UnsafePointer<Bool>
    let counties: UnsafePointer<UInt64>
    /// BirthDate.today as yyyymmdd (a later birth date is not real).
    let today: Int

    static let shared = DigitTables()

    private init() {
        func copy<T>(_ a: [T]) -> UnsafePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: a.count)
            p.initialize(from: a, count: a.count)
            return UnsafePointer(p)
        }
        mobilePrefixes = copy(PIIValidators.mobilePrefixTable)
        bankBINs = copy(PIIValidators.knownBankBINBits)
        let bits = DivisionCodes.bits
        provinces = copy(bits.provinces)
        cities = copy(bits.cities)
        counties = copy(bits.counties)
        let t = BirthDate.today
        today = t.year * 10_000 + t.month * 100 + t.day
    }
}
