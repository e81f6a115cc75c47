import Glibc

/// Whole reads and writes on a file descriptor, retrying after EINTR and short transfers: the
/// loop every caller of read(2)/write(2) needs, kept in one place.
public enum FileDescriptorIO {
    /// Writes all of `bytes`; false when write(2) fails (other than EINTR; errno tells why) or
    /// writes nothing (errno is then EIO).
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return false }
            if n == 0 { errno = EIO; return false }
            done += n
        }
        return true
    }

    /// Reads until `buffer` is full or the end of the file; the number of bytes read (fewer
    /// than the buffer holds only at the end), or nil when read(2) fails (other than EINTR).
    public static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        var done = 0
        while done < buffer.count {
            let n = read(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            done += n
        }
        return done
    }
}
