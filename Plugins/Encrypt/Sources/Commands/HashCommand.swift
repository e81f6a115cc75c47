import DSToolKit
import FoundationEssentials
import Glibc

/// Digest manifests in the BSD "tagged" line format of coreutils (`sha256sum --tag`):
///   SM3 (path) = 64 hex digits
///   SHA256 (path) = 64 hex digits
/// A path holding a newline, carriage return or backslash is escaped (\n, \r, \\) and its line
/// starts with a backslash, as coreutils does, so `sha256sum -c` checks the SHA256 lines.
enum DigestManifest {
    enum Algorithm: String, CaseIterable {
        case sm3 = "SM3", sha256 = "SHA256"
        var digest: Digest.Algorithm { self == .sm3 ? .sm3 : .sha256 }
    }

    struct Line: Equatable {
        var algorithm: Algorithm
        var path: String
        var hex: String
    }

    static func escape(_ path: String) -> (String, Bool) {
        guard path.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\\" }) else { return (path, false) }
        var out = ""
        for c in path {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(c)
            }
        }
        return (out, true)
    }

    static func unescape(_ s: Substring) -> String? {
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            guard c == "\\" else { out.append(c); continue }
            switch it.next() {
            case "\\": out += "\\"
            case "n": out += "\n"
            case "r": out += "\r"
            default: return nil
            }
        }
        return out
    }

    static func format(_ line: Line) -> String {
        let (p, escaped) = escape(line.path)
        return (escaped ? "\\" : "") + "\(line.algorithm.rawValue) (\(p)) = \(line.hex)"
    }

    /// Parses one line; nil if it is not a tagged SM3/SHA256 line.
    static func parse(_ text: Substring) -> Line? {
        var s = text
        if s.hasSuffix("\r") { s = s.dropLast() }
        var escaped = false
        if s.hasPrefix("\\") { escaped = true; s = s.dropFirst() }
        guard let open = s.firstRange(of: " ("), let close = s.ranges(of: ") = ").last, open.upperBound <= close.lowerBound,
              let alg = Algorithm(rawValue: String(s[..<open.lowerBound])) else { return nil }
        let hex = s[close.upperBound...].lowercased()
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit }) else { return nil }
        let rawPath = s[open.upperBound..<close.lowerBound]
        guard let path = escaped ? unescape(rawPath) : String(rawPath) else { return nil }
        return Line(algorithm: alg, path: path, hex: hex)
    }
}

struct HashCommand {
    let context: PluginContext
    var request: PluginRequest { context.request }
    init(_ context: PluginContext) { self.context = context }

    func algorithms() throws -> [DigestManifest.Algorithm] {
        switch (request.value("algorithm") ?? "both").lowercased() {
        case "both": return [.sm3, .sha256]
        case "sm3": return [.sm3]
        case "sha256", "sha-256": return [.sha256]
        case let other: throw DSToolError.usage("--algorithm: '\(other)' is not sm3, sha256 or both")
        }
    }

    /// Digests of a byte stream, read once in 1 MiB blocks.
    static func digests(_ source: ByteSource, _ algorithms: [DigestManifest.Algorithm]) throws -> (hex: [DigestManifest.Algorithm: String], size: Int64) {
        let ds = algorithms.map { Digest($0.digest) }
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        var size: Int64 = 0
        while true {
            let n = try buf.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            size += Int64(n)
            buf.withUnsafeBytes { p in for d in ds { d.update(UnsafeRawBufferPointer(rebasing: p[0..<n])) } }
        }
        var out: [DigestManifest.Algorithm: String] = [:]
        for (a, d) in zip(algorithms, ds) { out[a] = Digest.hex(d.finish()) }
        return (out, size)
    }

    func run() throws -> PluginStatus {
        guard !request.inputs.isEmpty else { throw DSToolError.usage("no input: give files (or - for standard input)") }
        return request.flag("check") ? try check() : try hash()
    }

    func hash() throws -> PluginStatus {
        let algs = try algorithms()
        let manifest = try request.value("output").map { try context.openOutput($0, mode: 0o644, replace: request.flag("force")) }
        var status = PluginStatus.ok
        while let item = context.nextItem() {
            do {
                let (hex, size) = try Self.digests(ItemSource(item), algs)
                let lines = algs.map { DigestManifest.format(.init(algorithm: $0, path: item.name, hex: hex[$0]!)) }
                try manifest?.write(lines.joined(separator: "\n") + "\n")
                var value: [String: JSONValue] = ["path": .string(item.name), "size": .int(size)]
                for a in algs { value[a.rawValue.lowercased()] = .string(hex[a]!) }
                context.emit(DataRecord(kind: "digest", text: LocalizedText(lines.joined(separator: "\n")), value: .object(value)))
            } catch {
                context.fail(item.name, error)
                status = .inputErrors
            }
        }
        if let manifest {
            if status == .ok { try manifest.commit() } else {
                manifest.abort()
                context.emitError(input: request.value("output")!, reason: "manifest not written: some inputs could not be read", code: "hash.incomplete")
            }
        }
        return status
    }

    func check() throws -> PluginStatus {
        if request.value("output") != nil { throw DSToolError.usage("-o/--output is for writing a manifest, not with --check") }
        var status = PluginStatus.ok
        while let item = context.nextItem() {
            let text: String
            do { text = try item.readAllText(limit: 64 << 20) } catch {
                context.fail(item.name, error); status = .inputErrors; continue
            }
            // Lines by path (first appearance order), so each file is read once for all its digests.
            var order: [String] = []
            var wanted: [String: [(DigestManifest.Line, Int)]] = [:]
            for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if raw.isEmpty || raw.hasPrefix("#") { continue }
                guard let line = DigestManifest.parse(raw) else {
                    context.emitError(input: "\(item.name):\(n + 1)", reason: "not a digest line (expected 'SM3 (path) = hex' or 'SHA256 (path) = hex')", code: "hash.malformed")
                    status = .inputErrors
                    continue
                }
                if wanted[line.path] == nil { order.append(line.path) }
                wanted[line.path, default: []].append((line, n + 1))
            }
            for path in order {
                let lines = wanted[path]!
                let full = path.hasPrefix("/") ? path : FilePaths.appending(to: request.cwd, path)
                let algs = DigestManifest.Algorithm.allCases.filter { a in lines.contains { $0.0.algorithm == a } }
                let fd = Glibc.open(full, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    context.emit(Finding(ruleId: "encrypt.hash-missing",
                                         title: LocalizedText(en: "File listed in the digest manifest is missing", zh: "摘要清单中列出的文件缺失"),
                                         message: LocalizedText(en: "\(path): MISSING (listed in \(item.name) line \(lines[0].1))",
                                                                zh: "\(path)：缺失（见 \(item.name) 第 \(lines[0].1) 行）"),
                                         category: "encryption", severity: .high, location: Location(input: path, path: path)))
                    continue
                }
                defer { Glibc.close(fd) }
                let digests: [DigestManifest.Algorithm: String]
                do { digests = try Self.digests(FileDescriptorReader(fd), algs).hex } catch {
                    context.fail(path, error); status = .inputErrors; continue
                }
                for (line, n) in lines {
                    if digests[line.algorithm] == line.hex {
                        context.emit(DataRecord(kind: "digest-check", text: LocalizedText(en: "\(path): OK (\(line.algorithm.rawValue))", zh: "\(path)：一致（\(line.algorithm.rawValue)）"),
                                                value: .object(["path": .string(path), "algorithm": .string(line.algorithm.rawValue), "ok": .bool(true)])))
                    } else {
                        context.emit(Finding(ruleId: "encrypt.hash-mismatch",
                                             title: LocalizedText(en: "File does not match its recorded digest", zh: "文件与记录的摘要不一致"),
                                             message: LocalizedText(en: "\(path): FAILED (\(line.algorithm.rawValue) differs from \(item.name) line \(n))",
                                                                    zh: "\(path)：不一致（\(line.algorithm.rawValue) 与 \(item.name) 第 \(n) 行不符）"),
                                             category: "encryption", severity: .high, location: Location(input: path, path: path),
                                             references: ["GB/T 39786-2021"],
                                             properties: .object(["expected": .string(line.hex), "actual": .string(digests[line.algorithm] ?? ""),
                                                                  "algorithm": .string(line.algorithm.rawValue)])))
                    }
                }
            }
        }
        return status
    }
}

/// A file opened by path (the files a manifest lists), read through its descriptor; the caller closes it.
final class FileDescriptorReader: ByteSource {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw DSToolError.io(String(cString: strerror(errno)))
        }
    }
}
