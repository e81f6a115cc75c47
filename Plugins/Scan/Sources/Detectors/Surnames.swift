/// Chinese surnames used to recognise person names: the ~300 most common single-character
/// surnames (they cover well over 95% of the population) and the common compound surnames.
public enum ChineseSurnames {
    static let singleText: String = """
    王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由
    """
    static let compound: [String] = [
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
        "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "东郭", "澹台", "公冶", "太史",
    ]

    /// Unicode scalar values of the single-character surnames.
    public static let single: Set<UInt32> = Set(singleText.unicodeScalars.filter { $0.value >= 0x4E00 }.map(\.value))

    /// The surname length (1 or 2 characters) a name starts with, or 0.
    public static func surnameLength(_ scalars: [UInt32]) -> Int {
        if scalars.count >= 3, compoundScalars.contains(Pair(a: scalars[0], b: scalars[1])) { return 2 }
        if let first = scalars.first, single.contains(first) { return 1 }
        return 0
    }

    struct Pair: Hashable { let a: UInt32; let b: UInt32 }
    static let compoundScalars: Set<Pair> = Set(compound.map {
        let s = Array($0.unicodeScalars)
        return Pair(a: s[0].value, b: s[1].value)
    })

    /// A plausible full name: surname plus one or two given-name characters, all Han.
    public static func isPlausibleName(_ value: String) -> Bool {
        let scalars = value.unicodeScalars.map(\.value)
        guard scalars.count >= 2, scalars.count <= 4, scalars.allSatisfy(isHan) else { return false }
        let s = surnameLength(scalars)
        guard s > 0 else { return false }
        let given = scalars.count - s
        return given >= 1 && given <= 2
    }

    @inline(__always) static func isHan(_ v: UInt32) -> Bool { v >= 0x4E00 && v <= 0x9FFF }

    /// Han characters (U+4E00...U+9FFF) as bits: single surnames, and first characters of compound ones.
    static let singleBits: [UInt64] = hanBits(single)
    static let compoundFirstBits: [UInt64] = hanBits(Set(compoundScalars.map(\.a)))
    static func hanBits(_ set: Set<UInt32>) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: (0x9FFF - 0x4E00) / 64 + 1)
        for v in set where isHan(v) { bits[Int(v - 0x4E00) >> 6] |= 1 << UInt64((v - 0x4E00) & 63) }
        return bits
    }
    @inline(__always) static func hanBit(_ bits: [UInt64], _ v: UInt32) -> Bool {
        isHan(v) && bits[Int(v - 0x4E00) >> 6] & (1 << UInt64((v - 0x4E00) & 63)) != 0
    }

    /// The same over UTF-8 bytes, without making a String (every cell of a name column is
    /// asked): Han characters are three bytes each.
    public static func isPlausibleName(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count / 3
        guard b.count % 3 == 0, n >= 2, n <= 4 else { return false }
        var scalars: (UInt32, UInt32, UInt32) = (0, 0, 0)
        for k in 0..<n {
            let c0 = b[3 * k], c1 = b[3 * k + 1], c2 = b[3 * k + 2]
            guard c0 & 0xF0 == 0xE0, c1 & 0xC0 == 0x80, c2 & 0xC0 == 0x80 else { return false }
            let v = UInt32(c0 & 0x0F) << 12 | UInt32(c1 & 0x3F) << 6 | UInt32(c2 & 0x3F)
            guard isHan(v) else { return false }
            if k == 0 { scalars.0 = v } else if k == 1 { scalars.1 = v } else if k == 2 { scalars.2 = v }
        }
        // Bits rather than the sets: every cell of a name column is asked.
        let compound = n >= 3 && hanBit(compoundFirstBits, scalars.0) && compoundScalars.contains(Pair(a: scalars.0, b: scalars.1))
        let s = compound ? 2 : (hanBit(singleBits, scalars.0) ? 1 : 0)
        guard s > 0 else { return false }
        let given = n - s
        return given >= 1 && given <= 2
    }
}
