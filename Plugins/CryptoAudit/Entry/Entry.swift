import DSToolKit
import DSToolCryptoAudit

@_cdecl("dstool_plugin_entry_v1")
public func dstoolPluginEntry() -> UnsafeRawPointer { PluginExport.entry(CryptoAuditPlugin.self) }
