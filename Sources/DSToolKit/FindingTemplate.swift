import FoundationEssentials
import Glibc

/// The parts of a finding that stay the same from one sighting to the next (rule, texts, severity,
/// references, properties), written as canonical JSON once. A plugin that reports the same problem
/// thousands of times (one rule, many places) keeps one template per problem and emits each sighting
/// with its place, evidence and confidence: the bytes are those of the whole `Finding` written by
/// `CanonicalJSONWriter`, fingerprint included, without making a `Finding` or re-encoding its texts.
public struct FindingTemplate: Sendable {
    public let ruleId: String
    /// `{"category":…` up to the confidence.
    private let head: [UInt8]
    /// `,"cwe":…,"data_level":…` (either may be absent), between the confidence and the evidence.
    private let middle: [UInt8]
    /// `,"message":…` to the closing brace, after the location.
    private let tail: [UInt8]
    /// The rule id's UTF-8 bytes, where the fingerprint starts.
    private let ruleIdBytes: [UInt8]

    public init(ruleId: String, title: LocalizedText, message: LocalizedText? = nil, category: String,
                severity: Severity, dataLevel: DataLevel? = nil, references: [String]? = nil,
                cwe: [String]? = nil, remediation: LocalizedText? = nil, properties: JSONValue? = nil) throws {
        self.ruleId = ruleId
        ruleIdBytes = Array(ruleId.utf8)
        // The fragments are written as parts of one object, in the writer's key order (see write(Finding)).
        var w = CanonicalJSONWriter(capacity: 64)
        try w.beginObject()
        w.key("category"); w.string(category)
        head = w.bytes

        w = CanonicalJSONWriter.insideObject()
        if let v = cwe { w.key("cwe"); try w.write(v) }
        if let v = dataLevel { w.key("data_level"); w.string(v.rawValue) }
        middle = w.bytes

        w = CanonicalJSONWriter.insideObject()
        if let v = message { w.key("message"); try w.write(v) }
        if let v = properties { w.key("properties"); try w.write(v) }
        if let v = references { w.key("references"); try w.write(v) }
        if let v = remediation { w.key("remediation"); try w.write(v) }
        w.key("rule_id"); w.string(ruleId)
        w.key("severity"); w.string(severity.rawValue)
        w.key("title"); try w.write(title)
        w.key("type"); w.string("finding")
        w.endObject()
        tail = w.bytes
    }

    /// The canonical JSON of the finding this template makes at `location` (its fingerprint the
    /// default one, `Fingerprint.make`).
    ///
    /// Counted, then written into an array of exactly that size through raw pointers: the constant
    /// fragments are copied, strings that need no escaping are copied after one pass of word
    /// tests. Appending to a growing array cost ~13 K instructions a finding (a key was escaped
    /// like a value, every append checked capacity and uniqueness, the array grew once).
    public func canonicalJSON(location: Location, evidence: String?, confidence: Double?) throws -> [UInt8] {
        var confidenceText: CanonicalDoubleText?
        if let v = confidence {
            guard v.isFinite else { throw CanonicalJSONWriter.Failure.nonFiniteNumber(v) }
            confidenceText = CanonicalDoubleText(v)
        }
        let digest = ruleIdBytes.withUnsafeBytes { Fingerprint.digest(ruleId: $0, location: location, evidence: evidence ?? "") }
        var counter = CanonicalByteCounter()
        writeSighting(to: &counter, location: location, evidence: evidence, confidence: confidenceText, digest: digest)
        let size = counter.count
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var w = CanonicalPointerWriter(buffer.baseAddress!)
            writeSighting(to: &w, location: location, evidence: evidence, confidence: confidenceText, digest: digest)
            // Both passes make the same calls; a difference would be a bug in a sink.
            precondition(w.written == size, "finding template: \(w.written) bytes written, \(size) counted")
            initialized = size
        }
    }

    /// The finding's bytes in the writer's key order (see `CanonicalJSONWriter.write(Finding)`).
    private func writeSighting<Sink: CanonicalByteSink>(to s: inout Sink, location: Location, evidence: String?,
                                                        confidence: CanonicalDoubleText?, digest: (UInt64, UInt64)) {
        head.withUnsafeBufferPointer { s.raw($0) }
        if let confidence {
            s.raw(",\"confidence\":")
            confidence.withBytes { s.raw($0) }
        }
        middle.withUnsafeBufferPointer { s.raw($0) }
        if let evidence {
            s.raw(",\"evidence\":")
            s.quoted(evidence)
        }
        s.raw(",\"fingerprint\":")
        s.hexString(digest)
        s.raw(",\"location\":")
        s.location(location)
        tail.withUnsafeBufferPointer { s.raw($0) }
    }
}

/// A finding in its canonical JSON, ready to emit: made on any thread (a template's sightings can
/// be written by workers), emitted in order on one.
public struct EncodedFinding: Sendable {
    let bytes: [UInt8]

    /// The finding as `emit(_: Finding)` sends it.
    public init(_ finding: Finding) { bytes = (try? finding.canonicalJSON()) ?? Array("{}".utf8) }
    init(bytes: [UInt8]) { self.bytes = bytes }
}

extension FindingTemplate {
    /// The finding this template makes at `location`, encoded (a record the writer refuses, such as
    /// a non-finite confidence, goes as `{}`, which the host refuses with a message — as `emit` does).
    public func encode(location: Location, evidence: String?, confidence: Double?) -> EncodedFinding {
        EncodedFinding(bytes: (try? canonicalJSON(location: location, evidence: evidence, confidence: confidence)) ?? Array("{}".utf8))
    }
}

extension PluginContext {
    /// Emits the finding `template` makes at `location`: the same record as `emit(Finding(...))`
    /// with the template's fields, at a fraction of the cost.
    public func emit(_ template: FindingTemplate, location: Location, evidence: String?, confidence: Double?) {
        emit(template.encode(location: location, evidence: evidence, confidence: confidence))
    }

    public func emit(_ finding: EncodedFinding) { emitCanonicalBytes(finding.bytes) }
}

extension CanonicalJSONWriter {
    /// The writer positioned inside an object whose earlier members are written elsewhere: the next
    /// key is preceded by a comma.
    static func insideObject() -> CanonicalJSONWriter {
        var w = CanonicalJSONWriter(capacity: 256)
        w.continueObject()
        return w
    }
}
