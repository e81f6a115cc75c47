import DSToolKit
import Foundation

/// What the end of a run produced: the events of interest in time order and the ranked sources.
public struct TraceResult {
    public let order: [Int]
    public let profiles: [SourceProfile]
}

extension TraceEngine {
    /// Runs the end-of-run analyses (correlation rules, success after failures, rare-path and
    /// volume exfiltration), attributes host events to sources, and ranks the sources.
    public func finish() -> TraceResult {
        pool?.stop()
        pool = nil
        for w in workers.dropFirst() {
            workers[0].actors.merge(w.actors)
            workers[0].sigma.correlationState.merge(w.sigma.correlationState)
        }
        for w in workers { exfil.merge(w.exfil) }
        uploadFindings()
        correlationFindings()
        compromiseFindings()
        rarePathFindings()
        volumeFindings()
        let order = interest.indices.sorted {
            let a = interest[$0], b = interest[$1]
            if a.hasTime != b.hasTime { return a.hasTime }
            return a.time != b.time ? a.time < b.time : $0 < $1
        }
        IncidentBuilder.attribute(&interest, order: order)
        let profiles = IncidentBuilder.profiles(interest, order: order, actors: actors, geo: geo)
        return TraceResult(order: order, profiles: profiles)
    }

    /// An upload request followed within an hour by webshell access from the same source: the
    /// upload was the webshell's (judged over all inputs in time order).
    func uploadFindings() {
        let order = interest.indices.filter { interest[$0].hasTime }.sorted {
            interest[$0].time != interest[$1].time ? interest[$0].time < interest[$1].time : $0 < $1
        }
        var lastUpload: [String: Int] = [:]
        let shell = WebshellAccess.rule.id, upload = WebAttackDetector.webshellUpload.id
        for i in order {
            let ev = interest[i]
            guard let src = ev.source else { continue }
            if ev.isUpload { lastUpload[src] = i; continue }
            guard ev.status < 400, ev.detections.contains(where: { $0.rule.id == shell }), let up = lastUpload[src],
                  !interest[up].detections.contains(where: { $0.rule.id == upload }), ev.time - interest[up].time <= 3600 * 1_000_000 else { continue }
            let path = ev.target.map { String($0.prefix { $0 != "?" }) } ?? "?"
            let d = Detection(WebAttackDetector.webshellUpload,
                              detail: "uploaded by \(interest[up].method ?? "POST") \(interest[up].target ?? "?"), then requested as \(path)")
            interest[up].detections.append(d)
            emit(d, interest[up])
            lastUpload[src] = nil
        }
    }

    func append(_ ev: InterestEvent) -> Int? {
        guard interest.count < config.maxInterest else { droppedInterest += 1; return nil }
        interest.append(ev)
        return interest.count - 1
    }

    func correlationFindings() {
        let state = sigma.correlationState
        for r in state.evaluate() {
            let c = sigma.correlations[r.correlation]
            // The group's source, when the correlation groups by one.
            var source: String?
            let parts = r.group.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (k, g) in c.groupBy.enumerated() where k < parts.count {
                if case .field(.srcIP) = FieldMapping.key(for: g) { source = parts[k].isEmpty ? nil : parts[k] }
            }
            var detail: String
            switch c.kind {
            case .eventCount: detail = "\(r.count) matching events"
            case .valueCount: detail = "\(r.count) different \(c.valueField ?? "values")"
            case .temporal: detail = "all \(c.rules.count) rules matched"
            case .temporalOrdered: detail = "the \(c.rules.count) rules matched in order"
            }
            let span = max(0, r.end - r.start) / 1_000_000
            detail += " within \(span) s"
            if !c.groupBy.isEmpty { detail += " (\(zip(c.groupBy, parts).map { "\($0)=\($1)" }.joined(separator: ", ")))" }
            let d = Detection(c.traceRule, detail: detail)
            let firstRaw = state.raw(r.first), lastRaw = state.raw(r.last)
            let raw = lastRaw ?? firstRaw ?? "(evidence line not kept: memory limit)"
            let input = Int(r.last.input)
            var ev = InterestEvent(time: r.end, source: source, format: diagnostics[input].format ?? .syslog, input: input,
                                   line: Int(r.last.line), raw: raw, detections: [d])
            ev.timeText = nil
            _ = append(ev)
            var evidence = [String]()
            if let f = firstRaw { evidence.append(EvidenceRedactor.redact(f)) }
            if let l = lastRaw, r.last.line != r.first.line || r.last.input != r.first.input { evidence.append(EvidenceRedactor.redact(l)) }
            var extra: [String: JSONValue] = ["count": .int(Int64(r.count)), "window_start": .string(CivilTime.isoString(micros: r.start)),
                                              "window_end": .string(CivilTime.isoString(micros: r.end)), "group": .string(r.group),
                                              "first_line": .int(Int64(r.first.line))]
            if !r.values.isEmpty { extra["values"] = .array(r.values.map { .string($0) }) }
            emit(d, ev, evidence: evidence.isEmpty ? raw : evidence.joined(separator: "\n"), extra: extra)
        }
    }

    func compromiseFindings() {
        var auth: [(time: Int64, source: String, user: String, failure: Bool, success: Bool, weight: Int)] = []
        var index: [Int] = []
        let sorted = interest.indices.filter { interest[$0].action != .none && interest[$0].hasTime }.sorted {
            interest[$0].time != interest[$1].time ? interest[$0].time < interest[$1].time : $0 < $1
        }
        for i in sorted {
            let ev = interest[i]
            let failure = ev.action == .sshFailed || ev.action == .pamFailure && ev.program.map { $0.hasPrefix("sshd") } == true
            let success = ev.action == .sshAccepted
            guard failure || success, let s = ev.source else { continue }
            // A PAM failure is followed by sshd's own "Failed password" line: count sshd's only.
            if ev.action == .pamFailure { continue }
            auth.append((ev.time, s, ev.user ?? "", failure, success, max(1, weightOf(ev))))
            index.append(i)
        }
        for c in AuthRules.compromises(auth, threshold: config.failureThreshold) {
            let si = index[c.success], fi = index[c.firstFailure]
            let user = interest[si].user ?? "?"
            let d = Detection(AuthRules.compromise,
                              detail: "\(user) logged in after \(c.failures) failed attempts since \(CivilTime.isoString(micros: interest[fi].time)) (tried: \(c.users.joined(separator: ", ")))")
            interest[si].detections.append(d)
            let evidence = EvidenceRedactor.redact(interest[fi].raw) + "\n" + EvidenceRedactor.redact(interest[si].raw)
            emit(d, interest[si], evidence: evidence, extra: ["failures": .int(Int64(c.failures)),
                                                               "first_failure": .string(CivilTime.isoString(micros: interest[fi].time))])
        }
    }

    func weightOf(_ ev: InterestEvent) -> Int {
        // "message repeated N times" was folded into one event; its raw text says how many.
        if let r = ev.raw.range(of: "message repeated "), let n = Int(ev.raw[r.upperBound...].prefix { $0.isNumber }) { return n }
        return 1
    }

    func rarePathFindings() {
        for (i, detail) in exfil.rarePathFindings() where i < interest.count {
            let d = Detection(ExfilDetector.rarePath, detail: detail)
            interest[i].detections.append(d)
            emit(d, interest[i])
        }
    }

    func volumeFindings() {
        let totals = actors.totals
        for (source, bytes, median) in ExfilDetector.volumeOutliers(totals, typicalResponse: exfil.typicalResponse) {
            guard let s = actors.lookup(source), let w = s.maxResponseWhere, let raw = s.maxResponseRaw else { continue }
            let d = Detection(ExfilDetector.sourceVolume,
                              detail: "\(ExfilDetector.human(bytes)) sent to this source in \(s.requests) requests; the median source received \(ExfilDetector.human(median))")
            var ev = InterestEvent(time: w.time, source: source, format: diagnostics[w.input].format ?? .accessCombined, input: w.input,
                                   line: w.line, raw: raw, detections: [d])
            ev.bytes = s.maxResponse
            _ = append(ev)
            emit(d, ev, extra: ["bytes_total": .int(bytes), "median_source_bytes": .int(median)])
        }
    }
}
