import DSToolKit
import Foundation

/// A minimal Swift plugin for the tests: for every item it reports what the host handed over
/// (name, type, encoding, decoded text with offsets), so the input layer can be tested end to end.
public enum EchoPlugin: DSToolPlugin {
    public static let manifestJSON = #"""
    {"abi":1,"category":"inventory","commands":[{"input":"items","name":"echo-items","options":[{"help":{"en":"read raw bytes instead of text","zh":"读取原始字节"},"kind":"flag","name":"raw"},{"help":{"en":"severity of the findings","zh":"发现的级别"},"kind":"value","name":"severity","value_name":"SEVERITY"},{"help":{"en":"write the text of every item to FILE","zh":"将每项文本写入文件"},"kind":"value","name":"out","value_name":"FILE"},{"help":{"en":"read a secret from SOURCE and report its length","zh":"读取密钥并报告长度"},"kind":"value","name":"secret","value_name":"SOURCE"},{"help":{"en":"fail with this status","zh":"以该状态失败"},"kind":"value","name":"status","value_name":"N"}],"report":"stdout","summary":{"en":"Echo input items (test fixture)","zh":"回显输入项（测试用）"},"usage":"dstool echo-items PATH..."}],"description":{"en":"Test fixture","zh":"测试用插件"},"id":"echo","inputs":["files","archives","stdin"],"library":"libdstool-echo.so","name":{"en":"Echo","zh":"回显"},"rules":[{"id":"echo.item","severity":"info","title":{"en":"Item","zh":"项"}}],"tool_library":["检测评估"],"version":"0.0.1"}
    """#

    public static func run(_ context: PluginContext) throws -> PluginStatus {
        let req = context.request
        let severity = Severity(rawValue: req.value("severity") ?? "info") ?? .info
        if let s = req.value("status"), let n = Int32(s), let st = PluginStatus(rawValue: n) { return st }
        if let source = req.value("secret") {
            let secret = try context.readSecret(source)
            context.emit(Finding(ruleId: "echo.secret", title: LocalizedText("secret"), category: "inventory",
                                 severity: severity, location: Location(input: source),
                                 properties: ["length": .int(Int64(secret.bytes.count))]))
            return .ok
        }
        var output: PluginOutput?
        if let path = req.value("out") { output = try context.openOutput(path) }
        var status = PluginStatus.ok
        while let item = context.nextItem() {
            var props: [String: JSONValue] = [
                "mime": .string(item.mime), "encoding": .string(item.encoding), "depth": .int(Int64(item.depth)),
                "container": .bool(item.isContainer), "encrypted": .bool(item.isEncrypted),
            ]
            if item.isEncrypted {
                context.emit(Finding(ruleId: "echo.item", title: LocalizedText("item"), category: "inventory", severity: severity,
                                     location: item.location(), properties: .object(props)))
                continue
            }
            do {
                if req.flag("raw") {
                    let bytes = try item.readAll()
                    props["bytes"] = .int(Int64(bytes.count))
                } else {
                    var buf = [UInt8](repeating: 0, count: 1 << 16)
                    var offs = [UInt64](repeating: 0, count: 1 << 16)
                    var text = [UInt8](), offsets = [UInt64]()
                    while true {
                        let n = try buf.withUnsafeMutableBufferPointer { b in
                            try offs.withUnsafeMutableBufferPointer { try item.readText(into: b, offsets: $0.baseAddress) }
                        }
                        if n == 0 { break }
                        text.append(contentsOf: buf[0..<n]); offsets.append(contentsOf: offs[0..<n])
                    }
                    let s = String(decoding: text, as: UTF8.self)
                    props["text"] = .string(String(s.prefix(200)))
                    props["offsets"] = .array(offsets.prefix(64).map { .int(Int64($0)) })
                    try output?.write(s)
                }
            } catch {
                status = .inputErrors
                continue
            }
            context.emit(Finding(ruleId: "echo.item", title: LocalizedText("item"), category: "inventory", severity: severity,
                                 location: item.location(), properties: .object(props)))
        }
        try output?.commit()
        return status
    }
}

@_cdecl("dstool_plugin_entry_v1")
public func dstoolPluginEntry() -> UnsafeRawPointer { PluginExport.entry(EchoPlugin.self) }
