import DSToolKit
import DSToolTrace

@_cdecl("dstool_plugin_entry_v1")
public func dstoolPluginEntry() -> UnsafeRawPointer { PluginExport.entry(TracePlugin.self) }
