import FoundationEssentials

/// One recipient stanza: `-> TYPE ARG...` then the base64 body wrapped at 64 columns.
public struct Stanza: Equatable {
    public var type: String
    public var args: [String]
    public var body: [UInt8]
    public init(type: String, args: [String], body: [UInt8]) { self.type = type; self.args = args; self.body = body }
}

/// The text header shared by age and the GM envelope (the GM envelope reuses age's grammar with its
/// own version line and MAC): version line, stanzas, `--- MAC`. Parsing is strict: every rule of
/// the age specification is enforced, because a lax parser is a malleability hole.
public struct EnvelopeHeader {
    public var version: String
    public var stanzas: [Stanza]
    /// The MAC from the `---` line (32 bytes).
    public var mac: [UInt8]
    /// The bytes the MAC covers: everything up to and including "---".
    public var macInput: [UInt8]

    static let columns = 64
    static let maxLine = 16 << 10
    static let maxHeader = 1 << 20

    /// Serialises the header up to and including "---" (the MAC is appended by the caller).
    public static func encodeWithoutMAC(version: String, stanzas: [Stanza]) -> [UInt8] {
        var out = Array(version.utf8) + [0x0A]
        for s in stanzas {
            out += Array("-> ".utf8) + Array(([s.type] + s.args).joined(separator: " ").utf8) + [0x0A]
            let b64 = Base64.encodeBytes(s.body, padded: false)
            var i = 0
            while true {
                let n = min(columns, b64.count - i)
                out += b64[i..<(i + n)] + [0x0A]
                i += n
                if n < columns { break }  // the final line is always short (possibly empty)
            }
        }
        out += Array("---".utf8)
        return out
    }

    static func validArgument(_ a: Substring) -> Bool {
        !a.isEmpty && a.utf8.allSatisfy { $0 >= 33 && $0 <= 126 }
    }

    /// Reads and parses a header whose version line has already been read and checked.
    public static func parse(version: String, from source: BufferedSource) throws -> EnvelopeHeader {
        var macInput = Array(version.utf8) + [0x0A]
        var stanzas: [Stanza] = []
        func nextLine(_ what: String) throws -> [UInt8] {
            let r: (line: [UInt8], terminated: Bool)?
            do { r = try source.readLine(max: maxLine) } catch is BufferedSource.LineTooLong {
                throw EnvelopeError.header("line longer than \(maxLine) bytes")
            }
            guard let r else { throw EnvelopeError.header("the file ends inside the header (\(what))") }
            guard r.terminated else { throw EnvelopeError.header("the file ends inside the header (\(what))") }
            if macInput.count + r.line.count > maxHeader { throw EnvelopeError.header("header larger than \(maxHeader) bytes") }
            return r.line
        }
        while true {
            let line = try nextLine("expected a stanza or the MAC line")
            if line.starts(with: Array("---".utf8)) {
                guard line.count > 4, line[3] == 0x20 else { throw EnvelopeError.header("malformed MAC line") }
                guard let mac = Base64.decode(line[4...], padded: false), mac.count == 32 else {
                    throw EnvelopeError.header("the header MAC is not 32 bytes of canonical base64")
                }
                macInput += Array("---".utf8)
                return EnvelopeHeader(version: version, stanzas: stanzas, mac: mac, macInput: macInput)
            }
            guard line.starts(with: Array("-> ".utf8)) else {
                throw EnvelopeError.header("expected a stanza (\"-> \") or the MAC line (\"--- \")")
            }
            macInput += line + [0x0A]
            let text = String(decoding: line[3...], as: UTF8.self)
            let parts = text.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.allSatisfy(validArgument) else {
                throw EnvelopeError.header("stanza with an empty or invalid argument")
            }
            var body: [UInt8] = []
            while true {
                let b = try nextLine("inside a stanza body")
                macInput += b + [0x0A]
                guard b.count <= columns else { throw EnvelopeError.header("stanza body line longer than 64 columns") }
                guard let chunk = Base64.decode(b, padded: false) else {
                    throw EnvelopeError.header("stanza body is not canonical unpadded base64")
                }
                body += chunk
                if b.count < columns { break }
            }
            stanzas.append(Stanza(type: String(parts[0]), args: parts.dropFirst().map(String.init), body: body))
        }
    }
}
