import DSToolKit
import Foundation

/// Where a web-attack pattern is looked for.
public enum WebScope: Sendable {
    /// The request target (path and query), normalized.
    case request
    /// The User-Agent and Referer headers.
    case header
    /// Both.
    case both
}

/// One signature of a web-attack class: a Hyperscan expression (matched caseless over the
/// normalized text) and a short name that says what it caught (shown as the finding's detail).
public struct WebPattern: Sendable {
    public let name: String
    public let regex: String
    public let scope: WebScope
    public init(_ name: String, _ regex: String, scope: WebScope = .request) {
        self.name = name; self.regex = regex; self.scope = scope
    }
}

/// A class of web attack: its rule (id, severity, ATT&CK) and its signatures. One file per class
/// under Classes/, with the rationale; its examples are the tests in Tests/WebAttack/.
public struct WebAttackClass: Sendable {
    public let rule: TraceRule
    public let patterns: [WebPattern]
    public init(rule: TraceRule, patterns: [WebPattern]) { self.rule = rule; self.patterns = patterns }
}

public enum WebAttackClasses {
    /// Every signature-based class (protocol abuse and webshell upload are checked in code).
    public static let all: [WebAttackClass] = [
        SQLInjection.definition, CrossSiteScripting.definition, PathTraversal.definition, RemoteFileInclusion.definition,
        CommandInjection.definition, PHPCodeInjection.definition, JavaCodeInjection.definition, ServerSideRequestForgery.definition,
        JNDIInjection.definition, TemplateInjection.definition, WebshellAccess.definition, ScannerUserAgent.definition,
        ScannerProbe.definition,
    ]
}
