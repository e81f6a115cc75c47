import Glibc

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

/// The `NSString` path methods dstool uses, so that modules needing nothing else of Foundation
/// can import FoundationEssentials (which lacks NSString) and spare every run the loading of ICU.
/// Each gives what swift-corelibs-foundation's NSString gives (FilePathsTests hold them to it).
extension FilePaths {
    /// `NSString.appendingPathComponent`: "a" + "x" is "a/x", "a/" + "x" is "a/x"; nothing else
    /// is tidied ("a//" + "x" is "a//x").
    public static func appending(to base: String, _ component: String) -> String {
        if base.isEmpty { return component }
        if component.isEmpty { return base }
        return base.utf8.last == UInt8(ascii: "/") ? base + component : base + "/" + component
    }

    /// `NSString.lastPathComponent`: the name after the last slash, trailing slashes ignored; "/"
    /// for "/", "" for "" and for a path of two or more slashes only.
    public static func lastComponent(of path: String) -> String {
        let slash = UInt8(ascii: "/")
        let bytes = Array(path.utf8)
        var end = bytes.count
        while end > 0, bytes[end - 1] == slash { end -= 1 }
        if end == 0 { return bytes.count == 1 ? "/" : "" }
        var start = end
        while start > 0, bytes[start - 1] != slash { start -= 1 }
        if start == 0 && end == bytes.count { return path }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// A file name (no slash) split as `NSString.deletingPathExtension` / `pathExtension` do:
    /// the extension follows the last dot; a name starting with its only dot (".profile"), and
    /// "..", have none; "a." has an empty one and the stem "a".
    public static func splitExtension(ofName name: String) -> (stem: String, ext: String) {
        let bytes = Array(name.utf8)
        guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot > 0,
              !(bytes.count == 2 && dot == 1 && bytes[0] == UInt8(ascii: ".")) else { return (name, "") }
        return (String(decoding: bytes[..<dot], as: UTF8.self), String(decoding: bytes[(dot + 1)...], as: UTF8.self))
    }
}

extension FilePaths {
    /// `NSString.standardizingPath` for the folders dstool searches: a leading "~" or "~user"
    /// expanded (an unknown user's "~name" is left as it is, as NSString leaves it); in a
    /// relative path "." and empty components after the first dropped (".." kept, as NSString
    /// keeps them); an absolute path that exists resolved through its symbolic links
    /// (`realpath`), one that does not tidied the same way on its text ("/a/./b/../c/" is "/a/c").
    public static func standardized(_ path: String) -> String {
        var path = path
        if path == "~" || path.hasPrefix("~/"), let home = Self.homeFolder() {
            path = home + path.dropFirst()
        } else if path.hasPrefix("~") {
            let name = path.dropFirst().prefix { $0 != "/" }
            if let home = Self.homeFolder(ofUser: String(name)) {
                path = home + path.dropFirst(1 + name.count)
            }
        }
        guard path.hasPrefix("/") else {
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            guard let first = parts.first else { return path }
            return ([first] + parts.dropFirst().filter { $0 != "." }).joined(separator: "/")
        }
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        var kept: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !kept.isEmpty { kept.removeLast() }
            default: kept.append(part)
            }
        }
        return "/" + kept.joined(separator: "/")
    }

    /// The home folder /etc/passwd (or NSS) gives for a user name, nil for an unknown user.
    static func homeFolder(ofUser name: String) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil,
              let dir = entry.pw_dir else { return nil }
        return String(cString: dir)
    }

    static func homeFolder() -> String? {
        if let h = getenv("HOME"), h.pointee != 0 { return String(cString: h) }
        guard let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }
}
