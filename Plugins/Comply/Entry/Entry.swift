import DSToolKit
import DSToolComply

@_cdecl("dstool_plugin_entry_v1")
public func dstoolPluginEntry() -> UnsafeRawPointer { PluginExport.entry(CompliancePlugin.self) }
