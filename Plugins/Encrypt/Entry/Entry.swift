import DSToolKit
import DSToolEncrypt

@_cdecl("dstool_plugin_entry_v1")
public func dstoolPluginEntry() -> UnsafeRawPointer { PluginExport.entry(EncryptPlugin.self) }
