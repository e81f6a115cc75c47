/// Cells that are a plain number — digits, perhaps ending in X (an ID number) — make up most of
/// an exported table. When no rule can match inside such a cell (PatternAlphabet), the cell is
/// kept out of the Hyperscan pass and classified here, straight from its bytes: with no text
/// around it, the resolver would find one candidate, the whole cell, with no context word, so
/// its verdict is the validators' best kind.
enum PlainCell {
    /// The bytes a plain cell is made of.
    static let alphabet = ByteClass("0-9Xx")

    /// All digits, except that the last byte may be X or x. Eight bytes at a time.
    @inline(__always) static func isPlain(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n > 0 else { return false }
        let body = n - 1
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= body {
            // For y = x ^ '0'*8: ((y & 0x7F..) + 0x76..) | y has a byte's high bit set exactly
            // where x is not a digit.
            let y = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ 0x3030_3030_3030_3030
            if (((y & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | y) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < body {
            if p[i] &- 48 >= 10 { return false }
            i += 1
        }
        let last = p[body]
        return last &- 48 < 10 || last | 0x20 == 120
    }

    /// Whether the cell holds a run of `PIICandidateCollector.minimumDigitRun` digits: without
    /// one, the digit-run search finds no candidate in it.
    @inline(__always) static func hasDigitRun(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        // Most such cells are short words (names, cities): no need to look.
        guard n >= PIICandidateCollector.minimumDigitRun else { return false }
        var run = 0
        for i in 0..<n {
            if p[i] &- 48 < 10 {
                run += 1
                if run == PIICandidateCollector.minimumDigitRun { return true }
            } else {
                run = 0
            }
        }
        return false
    }
}

/// The verdict on plain cells for one rule set. A class with its tables behind raw pointers:
/// parsers ask it for every plain cell, and array properties would be retained per call. Read
/// only after init, shared by the parsing and scanning threads.
final class PlainCellClassifier: @unchecked Sendable {
    /// Kinds of the digit-run pattern, in the order the resolver tries them.
    let kinds: [PIIKind]
    /// Bytes a digit-run value extends over; a plain cell must be made of them to be one value.
    let token: ByteClass
    /// Per length 0...19 and trailing X (shape = length * 2 + x): the kinds whose validators can
    /// accept such a value, in `kinds` order, so the others are not asked. One flat array,
    /// shape s's kinds at shapeKinds[shapeBounds[s]..<shapeBounds[s + 1]].
    private let shapeKinds: UnsafeMutableBufferPointer<PIIKind>
    private let shapeBounds: UnsafeMutableBufferPointer<Int>
    /// PIIValidators.maxConfidence of each shapeKinds entry (looked up per plain cell), and the
    /// highest of it from each entry to the end of its shape (a verdict at least that confident
    /// ends the search).
    private let shapeMaxConfidence: UnsafeMutableBufferPointer<Double>
    private let shapeRestMaxConfidence: UnsafeMutableBufferPointer<Double>
    /// shapeRestMaxConfidence of the next entry of the same shape, or -infinity for a shape's
    /// last entry (no later kind to ask).
    private let shapeLaterMaxConfidence: UnsafeMutableBufferPointer<Double>
    /// The rule set is the digit-run search alone (no secret rule, no other personal-data
    /// pattern, as with `--only pii.cn_id_card`): a cell without a run of digits can hold no
    /// value, so it is only counted, not copied into the batch and searched.
    let digitRunsOnly: Bool
    /// A cell of digits with one decimal point and no run of seven digits can hold no value
    /// (StructuredScanner.decimalsHoldNothing): it is only counted, not searched.
    let decimalsHoldNothing: Bool

    init?(piiPatterns: [PIIPattern], digitRunsOnly: Bool = false, decimalsHoldNothing: Bool = false) {
        self.digitRunsOnly = digitRunsOnly
        self.decimalsHoldNothing = decimalsHoldNothing
        var run: (kinds: [PIIKind], token: ByteClass)?
        for p in piiPatterns {
            if case .digitRun(let cls) = p.extent { run = (p.kinds, cls); break }
        }
        guard let run else {
            // No digit-run kind is selected: no plain cell is anything.
            kinds = []; token = PlainCell.alphabet
            shapeKinds = .allocate(capacity: 0)
            shapeMaxConfidence = .allocate(capacity: 0)
            shapeRestMaxConfidence = .allocate(capacity: 0)
            shapeLaterMaxConfidence = .allocate(capacity: 0)
            shapeBounds = .allocate(capacity: 41)
            _ = shapeBounds.initialize(from: repeatElement(0, count: 41))
            return
        }
        // A class that does not cover the alphabet would cut values inside the cell.
        for c in 0...255 where PlainCell.alphabet.contains(UInt8(c)) && !run.token.contains(UInt8(c)) { return nil }
        kinds = run.kinds
        token = run.token
        var flat: [PIIKind] = [], bounds = [0]
        for length in 0...19 {
            for x in [false, true] {
                flat += run.kinds.filter { Self.mayAccept($0, length: length, endsInX: x) }
                bounds.append(flat.count)
            }
        }
        shapeKinds = .allocate(capacity: flat.count)
        _ = shapeKinds.initialize(from: flat)
        shapeMaxConfidence = .allocate(capacity: flat.count)
        _ = shapeMaxConfidence.initialize(from: flat.map(PIIValidators.maxConfidence))
        var restMax = flat.map(PIIValidators.maxConfidence)
        for shape in 0..<(bounds.count - 1) where bounds[shape + 1] - bounds[shape] > 1 {
            for k in stride(from: bounds[shape + 1] - 2, through: bounds[shape], by: -1) { restMax[k] = max(restMax[k], restMax[k + 1]) }
        }
        shapeRestMaxConfidence = .allocate(capacity: flat.count)
        _ = shapeRestMaxConfidence.initialize(from: restMax)
        var laterMax = [Double](repeating: -.infinity, count: flat.count)
        for shape in 0..<(bounds.count - 1) where bounds[shape + 1] - bounds[shape] > 1 {
            for k in bounds[shape]..<(bounds[shape + 1] - 1) { laterMax[k] = restMax[k + 1] }
        }
        shapeLaterMaxConfidence = .allocate(capacity: flat.count)
        _ = shapeLaterMaxConfidence.initialize(from: laterMax)
        shapeBounds = .allocate(capacity: bounds.count)
        _ = shapeBounds.initialize(from: bounds)
    }

    deinit {
        shapeKinds.deallocate()
        shapeBounds.deallocate()
        shapeMaxConfidence.deallocate()
        shapeRestMaxConfidence.deallocate()
        shapeLaterMaxConfidence.deallocate()
    }

    /// PIIValidators.confidence of a plain value `b` of a shape `mayAccept` lets `kind` take,
    /// with the kinds of most table columns called directly (the dispatching function's own call
    /// was a twentieth of the CSV path) and without checking again that their bytes are digits:
    /// mobile and bank card numbers do not end in X (mayAccept), so they are all digits.
    /// Their tables come from `t` (read once by the caller, not per value).
    @inline(__always) static func confidence(_ kind: PIIKind, _ b: UnsafeBufferPointer<UInt8>, _ t: DigitTables) -> Double? {
        switch kind {
        case .cnIDCard: return PIIValidators.idCard(b, t)
        case .cnMobile: return PIIValidators.mobileDigits(b, t)
        case .bankCard: return b.count >= 16 && b.count <= 19 ? PIIValidators.bankCardDigits(b, t) : nil
        default: return PIIValidators.confidence(kind, b)
        }
    }

    /// Whether the kind's validator can accept a plain value of this shape (from the validators:
    /// lengths they check first; a value ending in X is not all digits, and only the ID-number and
    /// credit-code validators take letters). Kinds not listed are always asked.
    static func mayAccept(_ kind: PIIKind, length: Int, endsInX: Bool) -> Bool {
        switch kind {
        case .cnIDCard, .cnUSCC: return length == 18
        case .cnIDCard15, .imei: return length == 15 && !endsInX
        case .cnMobile: return (length == 11 || length == 13) && !endsInX
        case .bankCard: return length >= 16 && length <= 19 && !endsInX
        case .creditCard: return length >= 13 && length <= 19 && !endsInX
        // Passports and permits start with a letter, except the bare 8-digit Taiwan permit.
        case .passport, .hkMacaoPermit: return false
        case .taiwanPermit: return length == 8 && !endsInX
        default: return true
        }
    }

    /// The fewest bytes a plain cell that is a value has. Shorter cells that are not plain hold
    /// no digit run either: seven digits in a row in at most seven bytes would make them plain.
    @inline(__always) static var shortestValue: Int { 8 }

    /// Whether `classify` may find a value in a plain cell of this length (its last byte X or
    /// not): the tests it makes before asking a validator.
    @inline(__always) func mayHoldValue(length n: Int, endsInX: Bool) -> Bool { valueShape(length: n, endsInX: endsInX) >= 0 }

    /// The shape (length * 2 + trailing X) of a plain cell of this length in which `classify`
    /// may find a value, for `classify(_:shape:_:)`; -1 when it finds none in such a cell.
    @inline(__always) func valueShape(length n: Int, endsInX: Bool) -> Int {
        // A digit-run candidate: seven digits or more, eight to nineteen bytes in all.
        guard n >= Self.shortestValue && n <= 19 && n - (endsInX ? 1 : 0) >= 7 else { return -1 }
        let shape = n &* 2 &+ (endsInX ? 1 : 0)
        return shapeBounds[shape] < shapeBounds[shape &+ 1] ? shape : -1
    }

    /// The kind and confidence the resolver gives the plain cell `b` (before column context), or
    /// nil; `t`: DigitTables.shared, read once by the caller.
    @inline(__always) func classify(_ b: UnsafeBufferPointer<UInt8>, _ t: DigitTables) -> (kind: PIIKind, confidence: Double)? {
        let n = b.count
        guard n >= 1 else { return nil }
        let shape = valueShape(length: n, endsInX: b[n - 1] &- 48 >= 10)
        return shape < 0 ? nil : classify(b, shape: shape, t)
    }

    /// classify for a plain cell whose shape `valueShape` gave (not -1): a caller that knows the
    /// cell's length and last byte need not have them tested again (the CSV cell sorter).
    @inline(__always) func classify(_ b: UnsafeBufferPointer<UInt8>, shape: Int, _ t: DigitTables) -> (kind: PIIKind, confidence: Double)? {
        var k = shapeBounds[shape]
        let end = shapeBounds[shape &+ 1]
        // The shape's first kind is always asked; when it gives a confidence no later kind can
        // beat (an ID number, a phone or a card number of a table column, mostly), the loop
        // below would stop at once: it is not entered.
        let first = Self.confidence(shapeKinds[k], b, t)
        if let first, first >= shapeLaterMaxConfidence[k] { return (shapeKinds[k], first) }
        var found = first != nil, bestKind = shapeKinds[k], bestConfidence = first ?? -1.0
        k &+= 1
        while k < end {
            // A later kind only wins with a higher confidence: none can when no kind left may give one.
            if found && bestConfidence >= shapeRestMaxConfidence[k] { break }
            if !found || bestConfidence < shapeMaxConfidence[k], let conf = Self.confidence(shapeKinds[k], b, t), conf > bestConfidence {
                found = true; bestKind = shapeKinds[k]; bestConfidence = conf
            }
            k &+= 1
        }
        return found ? (bestKind, bestConfidence) : nil
    }
}

/// A plain cell that is personal data: the cell (its bytes in the batch's `plainBytes`), and
/// the kind and confidence the resolver would have given it.
struct PlainHit {
    var cell: CellBatch.Cell
    var kind: PIIKind
    var confidence: Double
}

/// What the tally needs of every plain cell that is personal data (24 bytes, against a
/// PlainHit's 64 and the value's bytes), or of a run of them.
struct PlainCount {
    var confidence: Double
    /// How many cells of the batch's `cells` came before it (its place among the Hyperscan hits).
    var order: Int32
    /// Hits it stands for: without a record, the column's hits one after another with this
    /// kind and confidence (the CSV cell sorter's runs; their confidences add up one by one,
    /// in the same order); 1 with a record.
    var repeats: Int32
    var column: UInt16
    var kind: PIIKind
    /// The hit also has a PlainHit (the next one not yet read), for its value and location.
    var hasRecord: Bool
}

/// An open run of a table column's plain hits counted without a record, one after another with
/// one kind and confidence (DelimitedParser.sortCellsByDigits): added to the batch as one
/// PlainCount when it ends.
struct PlainRun {
    /// Runs are kept for table columns below this (one bit each in a word).
    static let columns = 64
    var confidence: Double
    var repeats: Int32
    var kind: PIIKind
}
