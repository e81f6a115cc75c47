import DSToolKit
import FoundationEssentials
import Glibc

/// A plugin found on the search path: its manifest (read without loading anything) and files.
public struct DiscoveredPlugin: Sendable {
    public var manifest: PluginManifest
    public var manifestPath: String
    public var libraryPath: String
    public var directory: String
    /// The manifest file's bytes: a library whose embedded manifest is the same text needs no
    /// second decoding at load time.
    public var manifestJSON: [UInt8] = []

    public init(manifest: PluginManifest, manifestPath: String, libraryPath: String, directory: String, manifestJSON: [UInt8] = []) {
        self.manifest = manifest; self.manifestPath = manifestPath; self.libraryPath = libraryPath
        self.directory = directory; self.manifestJSON = manifestJSON
    }
}

/// A manifest that could not be read; listed, never fatal for the other plugins.
public struct BrokenPlugin: Sendable {
    public var manifestPath: String
    public var reason: String
}

/// Finds plugins: `$DSTOOL_PLUGIN_PATH` (colon-separated), then `PREFIX/lib/dstool/plugins`,
/// then the folder of the binary. A manifest is a file named `<id>.manifest.json`; the first
/// plugin found for an id wins, later ones are shadowed.
public struct PluginCatalog: Sendable {
    public static let manifestSuffix = ".manifest.json"
    public private(set) var plugins: [DiscoveredPlugin] = []
    public private(set) var broken: [BrokenPlugin] = []
    public private(set) var shadowed: [DiscoveredPlugin] = []
    public let searchPath: [String]

    public static func defaultSearchPath(environment: [String: String] = ProcessInfo.processInfo.environment,
                                         executablePath: String = PluginCatalog.executablePath()) -> [String] {
        var dirs: [String] = []
        if let env = environment["DSTOOL_PLUGIN_PATH"] {
            dirs += env.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        let binDir = FilePaths.folder(of: executablePath)
        let prefix = FilePaths.folder(of: binDir)
        dirs.append(FilePaths.appending(to: prefix, "lib/dstool/plugins"))
        dirs.append(binDir)
        var seen = Set<String>()
        return dirs.map { FilePaths.standardized($0) }.filter { seen.insert($0).inserted }
    }

    /// The running binary, resolved through /proc so a copied tree finds its own plugins.
    public static func executablePath() -> String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        return CommandLine.arguments.first ?? "dstool"
    }

    public init(searchPath: [String]) {
        self.searchPath = searchPath
        var byId: [String: Int] = [:]
        for dir in searchPath {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for name in names.sorted() where name.hasSuffix(Self.manifestSuffix) {
                let path = FilePaths.appending(to: dir, name)
                do {
                    let data = try Data(contentsOf: URL(fileURLWithPath: path))
                    let manifest = try PluginManifest.decode(data)
                    guard !manifest.library.contains("/") else {
                        throw DSToolError.invalid("library must be a file name in the same folder, not \(manifest.library)")
                    }
                    let found = DiscoveredPlugin(manifest: manifest, manifestPath: path,
                                                 libraryPath: FilePaths.appending(to: dir, manifest.library),
                                                 directory: dir, manifestJSON: [UInt8](data))
                    if byId[manifest.id] != nil { shadowed.append(found); continue }
                    byId[manifest.id] = plugins.count
                    plugins.append(found)
                } catch let e as DecodingError {
                    broken.append(BrokenPlugin(manifestPath: path, reason: "invalid manifest: \(Self.describe(e))"))
                } catch {
                    broken.append(BrokenPlugin(manifestPath: path, reason: "\(error)"))
                }
            }
        }
    }

    /// The plugin that provides `command`, if any.
    public func plugin(forCommand command: String) -> (DiscoveredPlugin, PluginManifest.Command)? {
        for p in plugins { if let c = p.manifest.command(named: command) { return (p, c) } }
        return nil
    }

    public func plugin(id: String) -> DiscoveredPlugin? { plugins.first { $0.manifest.id == id } }

    static func describe(_ e: DecodingError) -> String {
        switch e {
        case .keyNotFound(let k, let ctx): return "missing \"\(k.stringValue)\"" + at(ctx)
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx): return "wrong type" + at(ctx)
        case .dataCorrupted(let ctx): return "not JSON" + at(ctx)
        @unknown default: return "\(e)"
        }
    }
    static func at(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.isEmpty ? "" : " at " + ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
