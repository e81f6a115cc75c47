import DSToolKit
import FoundationEssentials
import DSToolYAML

/// Estimates the data level (GB/T 43697-2024: 一般/重要/核心) of one input from the kinds and
/// volumes of personal data found in it. Personal information is general data by default; a
/// large enough volume makes it important, a national-scale volume core. The defaults follow the
/// volumes used by the 数据出境安全评估办法 (1,000,000 people's personal information; 100,000
/// people's sensitive personal information) for 重要, and a hundred times those for 核心. It is
/// an estimate to direct attention, not a legal determination; `--level-config FILE` changes it.
public struct DataLevelEstimator: Sendable, Equatable {
    public struct Thresholds: Sendable, Equatable {
        /// Values of personal information (sensitive and ordinary kinds together).
        public var personal: Int
        /// Values of sensitive personal information.
        public var sensitive: Int
    }
    public var important = Thresholds(personal: 1_000_000, sensitive: 100_000)
    public var core = Thresholds(personal: 100_000_000, sensitive: 10_000_000)

    public init() {}

    public struct Estimate: Sendable {
        public var level: DataLevel
        public var reason: LocalizedText
        /// Σ count × kind weight (sensitive 1, personal 0.5, technical 0.1, public 0).
        public var weightedVolume: Double
    }

    public func estimate(_ counts: [PIIKind: Int]) -> Estimate {
        var sensitive = 0, personal = 0
        var weighted = 0.0
        for (k, n) in counts {
            weighted += Double(n) * k.dataLevelWeight
            switch k.sensitivity {
            case .sensitive: sensitive += n; personal += n
            case .personal: personal += n
            default: break
            }
        }
        func reason(_ level: String, _ t: Thresholds, zh: String) -> LocalizedText {
            LocalizedText(en: "\(sensitive) sensitive and \(personal) personal values; \(level) from \(t.sensitive) sensitive or \(t.personal) personal",
                          zh: "敏感个人信息 \(sensitive) 条、个人信息 \(personal) 条；\(zh)门槛为敏感 \(t.sensitive) 条或个人信息 \(t.personal) 条")
        }
        if sensitive >= core.sensitive || personal >= core.personal {
            return Estimate(level: .core, reason: reason("core", core, zh: "核心数据"), weightedVolume: weighted)
        }
        if sensitive >= important.sensitive || personal >= important.personal {
            return Estimate(level: .important, reason: reason("important", important, zh: "重要数据"), weightedVolume: weighted)
        }
        return Estimate(level: .general, reason: reason("important", important, zh: "重要数据"), weightedVolume: weighted)
    }

    /// Reads thresholds from YAML:
    /// ```
    /// important: {personal: 1000000, sensitive: 100000}
    /// core: {personal: 100000000, sensitive: 10000000}
    /// ```
    public static func load(path: String) throws -> DataLevelEstimator {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DSToolError.usage("--level-config \(path): cannot read the file")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws -> DataLevelEstimator {
        let node: YAMLNode?
        do { node = try YAML.compose(text) } catch {
            throw DSToolError.usage("--level-config \(source): not valid YAML (\(error))")
        }
        guard let map = node?.mapping else { throw DSToolError.usage("--level-config \(source): expected a mapping with 'important' and 'core'") }
        var e = DataLevelEstimator()
        for (k, v) in map {
            guard let key = k.scalar else { continue }
            guard key == "important" || key == "core" else {
                throw DSToolError.usage("--level-config \(source): unknown key '\(key)' (expected important, core)")
            }
            guard let m = v.mapping else { throw DSToolError.usage("--level-config \(source): '\(key)' must be a mapping") }
            var t = key == "important" ? e.important : e.core
            for (tk, tv) in m {
                let name = tk.scalar ?? ""
                guard let raw = tv.scalar, let n = Int(raw.replacing("_", with: "")), n > 0 else {
                    throw DSToolError.usage("--level-config \(source): \(key).\(name) must be a positive whole number")
                }
                switch name {
                case "personal": t.personal = n
                case "sensitive": t.sensitive = n
                default: throw DSToolError.usage("--level-config \(source): unknown key '\(key).\(name)' (expected personal, sensitive)")
                }
            }
            if key == "important" { e.important = t } else { e.core = t }
        }
        guard e.core.personal >= e.important.personal, e.core.sensitive >= e.important.sensitive else {
            throw DSToolError.usage("--level-config \(source): core thresholds must not be below important ones")
        }
        return e
    }
}
