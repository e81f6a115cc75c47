import DSToolKit
import Foundation

/// Cells of a table (CSV, JSONL, SQLite) gathered into one buffer, one cell per line, so that a
/// single Hyperscan pass covers thousands of cells; hits are mapped back to cells by offset.
final class CellBatch {
    struct Cell {
        var start: Int32
        var end: Int32
        var column: Int32
        var row: Int64
        var rawOffset: Int64
    }
    static let capacity = 1 << 20
    /// Longer cells are cut into pieces of this size (bounded memory for a 2 GB field).
    static let maxCell = 256 << 10

    var bytes: [UInt8] = []
    var cells: [Cell] = []
    private var openStart = -1
    private var openColumn: Int32 = 0
    private var openRow: Int64 = 0
    private var openRaw: Int64 = 0

    init() {
        bytes.reserveCapacity(Self.capacity + Self.maxCell + 1)
        cells.reserveCapacity(Self.capacity / 16)
    }

    var isFull: Bool { bytes.count >= Self.capacity }
    var isEmpty: Bool { cells.isEmpty && openStart < 0 }

    /// Starts a cell; bytes are appended with `append` until `closeCell`.
    @inline(__always) func openCell(column: Int, row: Int64, rawOffset: Int64) {
        openStart = bytes.count
        openColumn = Int32(column); openRow = row; openRaw = rawOffset
    }

    @inline(__always) func append(_ c: UInt8) {
        withUnsafeBytes(of: c) { append($0.bindMemory(to: UInt8.self)) }
    }

    /// Appends bytes of the open cell (bulk: per-byte appends to a class property are slow).
    func append(_ p: UnsafeBufferPointer<UInt8>) {
        var rest = p
        while !rest.isEmpty {
            let room = Self.maxCell - (bytes.count - openStart)
            let n = min(room, rest.count)
            let from = bytes.count
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: rest[0..<n]))
            // One cell per line in the batch: a newline inside a cell becomes a space.
            bytes.withUnsafeMutableBufferPointer { b in
                var i = from
                while i < b.count {
                    guard let q = memchr(b.baseAddress! + i, 10, b.count - i) else { break }
                    let at = UnsafeMutableRawPointer(q).assumingMemoryBound(to: UInt8.self) - b.baseAddress!
                    b[at] = 32
                    i = at + 1
                }
            }
            rest = UnsafeBufferPointer(rebasing: rest[n...])
            if bytes.count - openStart >= Self.maxCell { splitOpenCell() }
        }
    }

    private func splitOpenCell() {
        let length = bytes.count - openStart
        let raw = openRaw
        closeCell()
        openCell(column: Int(openColumn), row: openRow, rawOffset: raw + Int64(length))
    }

    func closeCell() {
        guard openStart >= 0 else { return }
        // Trim surrounding spaces: whole-cell values compare cleanly.
        var s = openStart, e = bytes.count
        while s < e && (bytes[s] == 32 || bytes[s] == 9 || bytes[s] == 13) { s += 1 }
        while e > s && (bytes[e - 1] == 32 || bytes[e - 1] == 9 || bytes[e - 1] == 13) { e -= 1 }
        if e > s {
            cells.append(Cell(start: Int32(s), end: Int32(e), column: openColumn, row: openRow, rawOffset: openRaw + Int64(s - openStart)))
            bytes.append(10)
        } else {
            bytes.removeSubrange(openStart...)
        }
        openStart = -1
    }

    /// Empties the batch after a scan, keeping a cell still being read (it continues in the next batch).
    func reset() {
        cells.removeAll(keepingCapacity: true)
        if openStart >= 0 {
            let rest = Array(bytes[openStart...])
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: rest)
            openStart = 0
        } else {
            bytes.removeAll(keepingCapacity: true)
        }
    }

    /// The cell containing byte `offset` (cells are in offset order).
    func cellIndex(at offset: Int) -> Int? {
        var lo = 0, hi = cells.count - 1
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let c = cells[mid]
            if offset < Int(c.start) { hi = mid - 1 } else if offset >= Int(c.end) { lo = mid + 1 } else { return mid }
        }
        return nil
    }
}

/// What is known about one column after the scan.
struct ColumnStats {
    var name: String
    var values: Int64 = 0
    /// Indexed by PIIKind.ordinal.
    var kindCounts = [Int64](repeating: 0, count: PIIKind.count)
    var confidenceSums = [Double](repeating: 0, count: PIIKind.count)
    var samples: [PIIKind: String] = [:]
    var firstRow: [PIIKind: Int64] = [:]
    var kinds: [PIIKind: Int64] {
        var d: [PIIKind: Int64] = [:]
        for k in PIIKind.allCases where kindCounts[k.ordinal] > 0 { d[k] = kindCounts[k.ordinal] }
        return d
    }
    var secrets: [Int: Int64] = [:]
    var secretSamples: [Int: String] = [:]
    var secretFirstRow: [Int: Int64] = [:]
    init(name: String) { self.name = name }
}
