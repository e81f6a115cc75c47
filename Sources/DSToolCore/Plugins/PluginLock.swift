import DSToolKit
import FoundationEssentials
import Glibc

/// `plugins.lock`: the SHA-256 of every plugin library in a plugin folder, written at install.
/// At load, a plugin whose digest differs, that the lock does not list, or whose file or folder
/// is writable by group or others is refused unless the user passes --allow-unverified-plugins.
public struct PluginLock: Codable, Sendable {
    public static let fileName = "plugins.lock"
    public var version: Int = 1
    public var plugins: [String: Entry]

    public struct Entry: Codable, Sendable, Equatable {
        public var library: String
        public var version: String
        public var sha256: String
    }

    public static func read(directory: String) throws -> PluginLock? {
        let path = FilePaths.appending(to: directory, fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if let (version, entries) = data.withUnsafeBytes({ PluginLockReader.read($0) }) {
            return PluginLock(version: version, plugins: entries.mapValues { Entry(library: $0.library, version: $0.version, sha256: $0.sha256) })
        }
        do { return try JSONDecoder().decode(PluginLock.self, from: data) }
        catch { throw DSToolError.invalid("\(path): unreadable lock file") }
    }

    /// Writes a lock for every plugin manifest in `directory`.
    @discardableResult
    public static func write(directory: String) throws -> PluginLock {
        let catalog = PluginCatalog(searchPath: [directory])
        var lock = PluginLock(plugins: [:])
        for p in catalog.plugins {
            let d = try Digest.fileDigests(path: p.libraryPath)
            lock.plugins[p.manifest.id] = Entry(library: p.manifest.library, version: p.manifest.version, sha256: d.sha256)
        }
        let path = FilePaths.appending(to: directory, fileName)
        let data = try DSJSON.encode(lock, pretty: true)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        return lock
    }
}

/// The verdict on one plugin's files.
public struct PluginVerification: Sendable {
    public var problems: [String]
    public var sha256: String?
    public var ok: Bool { problems.isEmpty }

    public static func check(_ plugin: DiscoveredPlugin) -> PluginVerification {
        var problems: [String] = []
        var digest: String?
        var st = stat()
        if stat(plugin.libraryPath, &st) != 0 {
            return PluginVerification(problems: ["library \(plugin.libraryPath) is missing"], sha256: nil)
        }
        if st.st_mode & 0o022 != 0 { problems.append("\(plugin.libraryPath) is writable by group or others") }
        var dst = stat()
        if stat(plugin.directory, &dst) == 0, dst.st_mode & 0o022 != 0, dst.st_mode & 0o1000 == 0 {
            problems.append("folder \(plugin.directory) is writable by group or others")
        }
        do {
            digest = try Digest.fileDigest(.sha256, path: plugin.libraryPath)
            if let lock = try PluginLock.read(directory: plugin.directory) {
                if let entry = lock.plugins[plugin.manifest.id] {
                    if entry.sha256 != digest { problems.append("SHA-256 of \(plugin.manifest.library) differs from \(PluginLock.fileName)") }
                    if entry.library != plugin.manifest.library { problems.append("\(PluginLock.fileName) names another library for \(plugin.manifest.id)") }
                } else {
                    problems.append("\(plugin.manifest.id) is not listed in \(PluginLock.fileName)")
                }
            } else {
                problems.append("no \(PluginLock.fileName) in \(plugin.directory)")
            }
        } catch {
            problems.append("\(error)")
        }
        return PluginVerification(problems: problems, sha256: digest)
    }
}
