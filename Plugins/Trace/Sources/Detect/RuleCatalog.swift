import DSToolKit
import Foundation

/// Every rule the built-in detectors can report (the manifest lists them; a test checks it).
public enum TraceRules {
    public static let unparsed = TraceRule(id: "trace.input.unparsed", title: LocalizedText(en: "Lines not in any known log format", zh: "无法识别格式的行"),
                                           severity: .info, techniques: [], tactic: nil, category: "input-quality")
    public static let mixed = TraceRule(id: "trace.input.mixed-format", title: LocalizedText(en: "Input mixes log formats", zh: "输入混合了多种日志格式"),
                                        severity: .info, techniques: [], tactic: nil, category: "input-quality")
    public static let truncated = TraceRule(id: "trace.input.truncated", title: LocalizedText(en: "Truncated or interleaved lines", zh: "截断或交错的行"),
                                            severity: .info, techniques: [], tactic: nil, category: "input-quality")
    public static let overlong = TraceRule(id: "trace.input.overlong-line", title: LocalizedText(en: "Lines longer than 64 KiB", zh: "超过 64 KiB 的行"),
                                           severity: .info, techniques: [], tactic: nil, category: "input-quality")
    public static let nonUTF8 = TraceRule(id: "trace.input.non-utf8", title: LocalizedText(en: "Lines with bytes that are not UTF-8", zh: "含非 UTF-8 字节的行"),
                                          severity: .info, techniques: [], tactic: nil, category: "input-quality")
    public static let clockJump = TraceRule(id: "trace.input.clock-jump", title: LocalizedText(en: "Time goes backwards in the log", zh: "日志时间倒退"),
                                            severity: .info, techniques: [], tactic: nil, category: "input-quality")

    public static let inputQuality: [TraceRule] = [unparsed, mixed, truncated, overlong, nonUTF8, clockJump]

    public static var builtin: [TraceRule] {
        WebAttackDetector.rules + AuthRules.all + ExfilDetector.rules + [IndicatorSet.rule] + inputQuality
    }
}
