import DSToolKit

/// Cells whose masking waits until a chunk of them has gathered, so a batch strategy (FF1)
/// masks them together: the masker leaves a hole in the sink's buffer for each and goes on;
/// `resolve` masks the pending values rule by rule, then fills the holes in order with exactly
/// the bytes the cell-at-a-time path writes. Nothing may flush the sink while cells are
/// pending (`mayFlush` says when to resolve first).
final class DeferredCells {
    struct Cell {
        var rule: Int
        /// Offset of the hole in the sink's buffer.
        var hole: Int
        /// The value is bytes[value..<raw], the cell as written in the input bytes[raw..<end].
        var value: Int, raw: Int, end: Int
        /// The masker's note on how to write the cell (CSV: was quoted; JSON: was a number).
        var style: UInt8
    }

    /// Cells per batch: enough to fill the SIMD kernels many times over, little memory.
    static let capacity = 2048

    let engine: MaskEngine
    @exclusivity(unchecked) private var cells: [Cell] = []
    @exclusivity(unchecked) private var bytes: [UInt8] = []
    // Reused across resolves.
    @exclusivity(unchecked) private var values: [UInt8] = []
    @exclusivity(unchecked) private var bounds: [Int] = []
    @exclusivity(unchecked) private var results: [UInt8] = []
    @exclusivity(unchecked) private var ends: [Int] = []
    @exclusivity(unchecked) private var outcomes: [MaskOutcome] = []
    /// Per cell: its slot in ends/outcomes.
    @exclusivity(unchecked) private var slot: [Int] = []
    @exclusivity(unchecked) private var rulesSeen: [Int] = []
    @exclusivity(unchecked) private var cellOut: [UInt8] = []

    init(engine: MaskEngine) { self.engine = engine }

    var isEmpty: Bool { cells.isEmpty }

    /// Whether the sink may flush now; if not, call `resolve` first.
    @inline(__always) func mayFlush(_ sink: ByteSink) -> Bool {
        cells.isEmpty || (cells.count < DeferredCells.capacity && !sink.isFull)
    }

    /// Defers one cell of rule `rule` (an index into engine.rules); its hole is at the sink's end.
    func add(rule: Int, value: UnsafeBufferPointer<UInt8>, raw: UnsafeBufferPointer<UInt8>, style: UInt8, sink: ByteSink) {
        let v = bytes.count
        bytes.append(contentsOf: value)
        let r = bytes.count
        bytes.append(contentsOf: raw)
        cells.append(Cell(rule: rule, hole: sink.buffer.count, value: v, raw: r, end: bytes.count, style: style))
    }

    /// Masks the pending cells and fills their holes; `render` writes one cell's final bytes
    /// (the settled result, the replacement, the cell as written, its style).
    func resolve(into sink: ByteSink,
                 render: (MaskEngine.CellResult, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, UInt8, ByteSink) -> Void) throws {
        guard !cells.isEmpty else { return }
        results.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        outcomes.removeAll(keepingCapacity: true)
        slot.removeAll(keepingCapacity: true)
        slot.append(contentsOf: repeatElement(0, count: cells.count))
        rulesSeen.removeAll(keepingCapacity: true)
        for c in cells where !rulesSeen.contains(c.rule) { rulesSeen.append(c.rule) }
        let reverse = engine.direction == .unmask
        engine.batchedValues += cells.count
        for r in rulesSeen {
            values.removeAll(keepingCapacity: true)
            bounds.removeAll(keepingCapacity: true)
            bounds.append(0)
            var next = ends.count
            for (k, c) in cells.enumerated() where c.rule == r {
                values.append(contentsOf: bytes[c.value..<c.raw])
                bounds.append(values.count)
                slot[k] = next
                next += 1
            }
            let strategy = engine.rules[r].strategy as! BatchMaskStrategy
            values.withUnsafeBufferPointer { v in
                bounds.withUnsafeBufferPointer { b in
                    strategy.maskBatch(v, bounds: b, reverse: reverse, into: &results, ends: &ends, outcomes: &outcomes)
                }
            }
        }
        let first = cells[0].hole
        let tail = sink.takeTail(from: first)
        var copied = first
        try tail.withUnsafeBufferPointer { t in
            try bytes.withUnsafeBufferPointer { all in
                for (k, c) in cells.enumerated() {
                    sink.append(UnsafeBufferPointer(rebasing: t[(copied - first)..<(c.hole - first)]))
                    copied = c.hole
                    let s = slot[k]
                    cellOut.removeAll(keepingCapacity: true)
                    if outcomes[s] == .written { cellOut.append(contentsOf: results[(s == 0 ? 0 : ends[s - 1])..<ends[s]]) }
                    let result = try engine.settle(engine.rules[c.rule], outcomes[s], into: &cellOut, from: 0, where: "a deferred cell")
                    cellOut.withUnsafeBufferPointer { o in
                        render(result, o, UnsafeBufferPointer(rebasing: all[c.raw..<c.end]), c.style, sink)
                    }
                }
            }
            sink.append(UnsafeBufferPointer(rebasing: t[(copied - first)...]))
        }
        cells.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
    }
}
