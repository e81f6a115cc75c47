/// Path arithmetic done on the path's bytes. `NSString.deletingLastPathComponent` traps (illegal
/// instruction) on a one-character path in swift-corelibs-foundation 6.3: `dstool keygen -o k`
/// crashed before writing anything.
public enum FilePaths {
    /// The folder holding `path`, as POSIX `dirname` gives it: "." for a bare name, "/" for a name
    /// at the root; trailing slashes of either are ignored.
    public static func folder(of path: String) -> String {
        let slash = UInt8(ascii: "/")
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == slash { bytes.removeLast() }
        guard let cut = bytes.lastIndex(of: slash) else { return "." }
        var end = cut
        while end > 0, bytes[end - 1] == slash { end -= 1 }
        return end == 0 ? "/" : String(decoding: bytes[..<end], as: UTF8.self)
    }
}
