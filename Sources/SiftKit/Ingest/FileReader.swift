import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole regular file with POSIX calls, so that every failure has its system reason, a file that is
/// swapped for a FIFO after the walk cannot block the run (opened non-blocking, checked with fstat), and a file
/// that grows past the limit while it is read is still refused.
enum FileReader {
    enum Failure: Error {
        case unreadable(String)
        case notRegular(String)
        case tooLarge(Int, limit: Int)

        func diagnostic(for path: String) -> Diagnostic {
            switch self {
            case .unreadable(let reason):
                Diagnostic(.error, file: path, code: "unreadable", "skipped: cannot read file (\(reason))")
            case .notRegular(let kind):
                Diagnostic(.error, file: path, code: "not-regular-file", "skipped: not a regular file (\(kind))")
            case .tooLarge(let size, let limit):
                Diagnostic(.error, file: path, code: "too-large",
                           "skipped: file is \(FileReader.mebibytes(size)), over the \(FileReader.mebibytes(limit)) limit for one report file (CSV exports are read a row at a time, at any size)")
            }
        }
    }

    static func readAll(_ path: String, maximumSize: Int) -> Result<[UInt8], Failure> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(.unreadable(errorMessage())) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.unreadable(errorMessage())) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular(kind(of: info.st_mode))) }
        let size = Int(info.st_size)
        guard size <= maximumSize else { return .failure(.tooLarge(size, limit: maximumSize)) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while true {
            if filled == bytes.count {
                // The file grew since fstat: read on, up to the limit.
                guard bytes.count <= maximumSize else { return .failure(.tooLarge(bytes.count, limit: maximumSize)) }
                bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count / 2)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failure(.unreadable(errorMessage()))
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return .success(bytes)
    }

    static func errorMessage() -> String {
        String(cString: strerror(errno))
    }

    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a named pipe (FIFO)"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFDIR: "a folder"
        default: "not a plain file"
        }
    }

    static func mebibytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_048_576
        return value == value.rounded() ? "\(Int(value)) MiB" : String(format: "%.1f MiB", value)
    }
}
