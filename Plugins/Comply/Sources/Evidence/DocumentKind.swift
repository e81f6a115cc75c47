import DSToolKit
import Foundation

/// Documents a control can require, recognised by words in the file name (Chinese and English).
/// Adding one is one case here with its words.
public enum DocumentKind: String, CaseIterable, Sendable, Codable {
    case importantDataCatalogue = "important-data-catalogue"
    case incidentResponsePlan = "incident-response-plan"
    case riskAssessment = "risk-assessment"
    case piImpactAssessment = "pi-impact-assessment"
    case dataClassificationPolicy = "data-classification-policy"
    case securityManagementPolicy = "data-security-policy"
    case privacyPolicy = "privacy-policy"
    case incidentDrillRecord = "incident-drill-record"

    var words: [String] {
        switch self {
        case .importantDataCatalogue:
            return ["重要数据目录", "重要数据清单", "重要数据识别", "核心数据目录", "important-data-catalog", "important_data_catalog",
                    "important data catalog", "importantdatacatalog", "important-data-list", "important_data_list"]
        case .incidentResponsePlan:
            return ["应急预案", "应急响应预案", "应急处置预案", "事件应急", "incident-response", "incident_response", "incident response",
                    "emergency-response-plan", "emergency_response_plan"]
        case .riskAssessment:
            return ["风险评估", "risk-assessment", "risk_assessment", "risk assessment", "riskassessment"]
        case .piImpactAssessment:
            return ["个人信息保护影响评估", "个人信息影响评估", "个人信息安全影响评估", "pi-impact-assessment", "pi_impact_assessment",
                    "privacy-impact-assessment", "privacy_impact_assessment", "privacy impact assessment", "pia", "pipia"]
        case .dataClassificationPolicy:
            return ["数据分类分级", "分类分级制度", "分类分级清单", "data-classification", "data_classification", "data classification"]
        case .securityManagementPolicy:
            return ["数据安全管理制度", "数据安全管理办法", "数据安全制度", "data-security-policy", "data_security_policy", "data security policy",
                    "data-security-management", "data_security_management"]
        case .privacyPolicy:
            return ["个人信息处理规则", "隐私政策", "隐私声明", "个人信息保护政策", "privacy-policy", "privacy_policy", "privacy policy", "privacy-notice"]
        case .incidentDrillRecord:
            return ["应急演练", "演练记录", "incident-drill", "incident_drill", "drill-record", "drill_record", "tabletop-exercise"]
        }
    }

    public var title: LocalizedText {
        switch self {
        case .importantDataCatalogue: return LocalizedText(en: "important-data catalogue", zh: "重要数据目录")
        case .incidentResponsePlan: return LocalizedText(en: "incident response plan", zh: "数据安全事件应急预案")
        case .riskAssessment: return LocalizedText(en: "risk assessment report", zh: "数据安全风险评估报告")
        case .piImpactAssessment: return LocalizedText(en: "personal-information impact assessment", zh: "个人信息保护影响评估报告")
        case .dataClassificationPolicy: return LocalizedText(en: "data classification and grading policy", zh: "数据分类分级制度")
        case .securityManagementPolicy: return LocalizedText(en: "data security management policy", zh: "数据安全管理制度")
        case .privacyPolicy: return LocalizedText(en: "personal-information processing rules (privacy policy)", zh: "个人信息处理规则（隐私政策）")
        case .incidentDrillRecord: return LocalizedText(en: "incident drill record", zh: "应急演练记录")
        }
    }

    /// The kinds a file name names (case-insensitive; the extension is ignored). Short Latin
    /// abbreviations (PIA) must be whole words: "olympia-notes" is not an impact assessment.
    static func recognise(_ fileName: String) -> [DocumentKind] {
        let stem = (fileName as NSString).deletingPathExtension.lowercased()
        let words = ItemClassifier.tokens(stem)
        return allCases.filter { kind in
            kind.words.contains { w in w.count <= 5 && w.allSatisfy(\.isASCII) ? words.contains(w) : stem.contains(w) }
        }
    }
}
