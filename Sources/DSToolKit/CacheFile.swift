import Glibc

/// A file in dstool's cache folder (compiled Hyperscan databases, pattern widths), trusted only
/// after checks: a cached database is handed straight to Hyperscan and cached widths decide how
/// far scan windows overlap, so a planted or damaged file could crash a run or make it miss
/// findings.
///
/// A file is used only when
/// - the folder is a real folder (not a symbolic link) owned by this user or root and not
///   writable by group or others, and the file is a regular file (not followed if a symbolic
///   link) owned by this user and not writable by group or others — the rule `plugins.lock`
///   applies to plugin folders;
/// - it starts with `magic`, then the SHA-256 of the cache key followed by the payload, and that
///   digest matches: a truncated, damaged or other-key file is a miss, never a wrong answer.
/// Anything else is a cache miss: the caller compiles again and writes a fresh file (into a
/// trusted folder only). Files are written atomically and owner-only.
public enum CacheFile {
    public static let magic: [UInt8] = Array("dstool cache 1\n".utf8)
    public static let digestLength = 32
    /// Far above any real database (scan's full rule set compiles to ~1.7 MB).
    public static let maximumSize = 256 << 20

    /// `$DSTOOL_CACHE_DIR` (empty: no cache), else `$XDG_CACHE_HOME/dstool`, else
    /// `~/.cache/dstool` (a relative XDG_CACHE_HOME or HOME is ignored, as the XDG spec asks).
    public static var defaultFolder: String? {
        if let d = getenv("DSTOOL_CACHE_DIR") { return d.pointee == 0 ? nil : String(cString: d) }
        if let x = getenv("XDG_CACHE_HOME"), x.pointee == CChar(UInt8(ascii: "/")) { return String(cString: x) + "/dstool" }
        if let h = getenv("HOME"), h.pointee == CChar(UInt8(ascii: "/")) { return String(cString: h) + "/.cache/dstool" }
        return nil
    }

    /// Why a folder cannot hold the cache, or nil when it can.
    public static func folderProblem(_ directory: String) -> String? {
        var st = stat()
        guard lstat(directory, &st) == 0 else { return nil }  // not there yet: writing creates it owner-only
        if st.st_mode & S_IFMT != S_IFDIR { return "\(directory) is not a folder" }
        if st.st_uid != geteuid() && st.st_uid != 0 { return "\(directory) belongs to another user" }
        if st.st_mode & 0o022 != 0 { return "\(directory) is writable by group or others" }
        return nil
    }

    /// The payload stored under `key` in `path`, or nil when there is none that can be trusted.
    public static func read(_ path: String, key: [UInt8], directory: String) -> [UInt8]? {
        guard folderProblem(directory) == nil else { return nil }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_uid == geteuid(),
              st.st_mode & 0o022 == 0, st.st_size >= magic.count + digestLength,
              st.st_size <= maximumSize else { return nil }
        let size = Int(st.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        let complete = bytes.withUnsafeMutableBytes { FileDescriptorIO.readFully(fd, into: $0) } == size
        let payloadStart = magic.count + digestLength
        guard complete, bytes.starts(with: magic) else { return nil }
        let actual = bytes.withUnsafeBytes { digest(key: key, payload: UnsafeRawBufferPointer(rebasing: $0[payloadStart...])) }
        guard bytes[magic.count ..< payloadStart].elementsEqual(actual) else { return nil }
        bytes.removeFirst(payloadStart)
        return bytes
    }

    /// Stores `payload` under `key` (atomically, owner-only). Best effort: a cache that cannot be
    /// written only costs the next run a compile; an untrusted folder is never written into.
    public static func write(_ payload: [UInt8], key: [UInt8], to path: String, directory: String) {
        var st = stat()
        if lstat(directory, &st) != 0 {
            makeFolders(FilePaths.folder(of: directory))
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else { return }
        }
        guard folderProblem(directory) == nil else { return }
        // Process id and a random part: a file left by a crashed run cannot block this one.
        let tmp = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let contents = magic + payload.withUnsafeBytes { digest(key: key, payload: $0) } + payload
        let written = contents.withUnsafeBytes { FileDescriptorIO.writeAll(fd, $0) }
        if close(fd) != 0 || !written || rename(tmp, path) != 0 { unlink(tmp) }
    }

    public static func digest(key: [UInt8], payload: UnsafeRawBufferPointer) -> [UInt8] {
        let sha256 = Digest(.sha256)
        sha256.update(key)
        sha256.update(payload)
        return sha256.finish()
    }

    /// `mkdir -p` for the folders above the cache folder, owner-only as XDG asks of ~/.cache.
    private static func makeFolders(_ path: String) {
        var st = stat()
        guard !path.isEmpty, stat(path, &st) != 0 else { return }
        let parent = FilePaths.folder(of: path)
        if parent != path { makeFolders(parent) }
        mkdir(path, 0o700)
    }
}
