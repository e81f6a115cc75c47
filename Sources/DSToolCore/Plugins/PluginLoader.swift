import CDSToolPluginABI
import DSToolKit
import FoundationEssentials
import Glibc

/// A loaded plugin's function table. Swift images are never dlclose()d.
public struct LoadedPlugin {
    public let table: UnsafePointer<dstool_plugin_v1>
    public let embeddedManifest: PluginManifest
    /// SHA-256 of the library as verified before dlopen() (hashed once; the run record reuses it).
    public var sha256: String?
}

public enum PluginLoader {
    /// Verifies (unless allowed not to), dlopen()s with RTLD_NOW|RTLD_LOCAL, checks the ABI handshake
    /// and that the manifest compiled into the plugin agrees with its file.
    public static func load(_ plugin: DiscoveredPlugin, allowUnverified: Bool) throws -> LoadedPlugin {
        PluginPreload.start(libraryPath: plugin.libraryPath)
        let verdict = PluginVerification.check(plugin)
        if !verdict.ok && !allowUnverified {
            throw DSToolError.failed("refusing plugin \(plugin.manifest.id): \(verdict.problems.joined(separator: "; ")) (run 'dstool plugins verify', or pass --allow-unverified-plugins)")
        }
        guard let handle = dlopen(plugin.libraryPath, RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw DSToolError.failed("plugin \(plugin.manifest.id): cannot load \(plugin.libraryPath): \(why)")
        }
        guard let sym = dlsym(handle, DSTOOL_PLUGIN_ENTRY_SYMBOL) else {
            throw DSToolError.failed("plugin \(plugin.manifest.id): \(plugin.libraryPath) exports no \(DSTOOL_PLUGIN_ENTRY_SYMBOL)")
        }
        let entry = unsafeBitCast(sym, to: dstool_plugin_entry_fn.self)
        var loaded = try handshake(entry(), expected: plugin.manifest, expectedJSON: plugin.manifestJSON, name: plugin.manifest.id)
        loaded.sha256 = verdict.sha256
        return loaded
    }

    /// The ABI handshake, shared by dlopen()ed and in-process plugins.
    /// `expectedJSON`: the installed manifest's bytes; an embedded manifest of the same text (line
    /// ends at the end aside: Scripts/embed-manifests embeds the file without its last newline) is
    /// that manifest, without decoding it again (a tenth of a small run's start-up).
    public static func handshake(_ raw: UnsafePointer<dstool_plugin_v1>?, expected: PluginManifest?, expectedJSON: [UInt8] = [],
                                 name: String) throws -> LoadedPlugin {
        guard let table = raw else { throw DSToolError.failed("plugin \(name): entry returned no table") }
        let abi = table.pointee.abi_version
        guard abi == UInt32(DSTOOL_ABI_VERSION) else {
            throw DSToolError.failed("plugin \(name): ABI version \(abi), this dstool speaks \(DSTOOL_ABI_VERSION)")
        }
        guard table.pointee.struct_size >= UInt32(MemoryLayout<dstool_plugin_v1>.size) else {
            throw DSToolError.failed("plugin \(name): plugin table too small (\(table.pointee.struct_size) bytes)")
        }
        guard let mf = table.pointee.manifest_json, let cstr = mf() else {
            throw DSToolError.failed("plugin \(name): no embedded manifest")
        }
        let embedded: PluginManifest
        if let expected, !expectedJSON.isEmpty, Self.sameText(cstr, expectedJSON) {
            embedded = expected
        } else {
            do { embedded = try PluginManifest.decode(Data(String(cString: cstr).utf8)) }
            catch { throw DSToolError.failed("plugin \(name): embedded manifest is invalid: \(error)") }
        }
        if let expected {
            guard embedded.id == expected.id, embedded.version == expected.version else {
                throw DSToolError.failed("plugin \(name): library is \(embedded.id) \(embedded.version) but its manifest says \(expected.id) \(expected.version)")
            }
            guard embedded.abi == expected.abi, embedded.abi == Int(DSTOOL_ABI_VERSION) else {
                throw DSToolError.failed("plugin \(name): manifest ABI \(expected.abi) does not match the library's \(embedded.abi)")
            }
        }
        guard table.pointee.run != nil else { throw DSToolError.failed("plugin \(name): no run function") }
        return LoadedPlugin(table: table, embeddedManifest: embedded)
    }

    /// Whether a C string and a byte array are the same text once trailing newlines are dropped.
    static func sameText(_ cstr: UnsafePointer<CChar>, _ bytes: [UInt8]) -> Bool {
        func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            var n = b.count
            while n > 0, b[n - 1] == 0x0A || b[n - 1] == 0x0D { n -= 1 }
            return UnsafeBufferPointer(rebasing: b[0..<n])
        }
        let embedded = trimmed(UnsafeBufferPointer(start: UnsafeRawPointer(cstr).assumingMemoryBound(to: UInt8.self), count: strlen(cstr)))
        return bytes.withUnsafeBufferPointer { installed in
            let file = trimmed(installed)
            return file.count == embedded.count && (file.count == 0 || memcmp(file.baseAddress!, embedded.baseAddress!, file.count) == 0)
        }
    }
}
