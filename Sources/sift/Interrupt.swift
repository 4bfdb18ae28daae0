import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (SIGINT) and SIGTERM during `sift run`: remove Sift's own temporary files from the output folder
/// (`.sift-work-PID/` and `.NAME.sift-partial-PID`) and exit 130 (143 for SIGTERM), so that an interrupted run
/// leaves the previous complete summary files and nothing else.
///
/// The signals are ignored at the C level and read from Dispatch signal sources, so the clean-up runs on an
/// ordinary thread, not inside a signal handler. While the final renames run (``withoutInterruption(_:)``), a
/// signal is held back until they are done, so the output folder never holds a mix of old and new summary files.
///
/// Call ``install(outputDirectory:)`` once, before the run writes anything.
enum Interrupt {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var directories: [String] = []
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    nonisolated(unsafe) private static var criticalDepth = 0
    nonisolated(unsafe) private static var pendingSignal: Int32? = nil

    /// Starts handling SIGINT and SIGTERM; `outputDirectory` is the folder whose Sift temporary files are removed
    /// (call again to add folders, such as an explicit work folder).
    static func install(outputDirectory: String) {
        lock.lock()
        defer { lock.unlock() }
        directories.append(outputDirectory)
        guard sources.isEmpty else { return }
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: DispatchQueue.global(qos: .userInitiated))
            source.setEventHandler { received(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs `body` (renaming finished files into place) with signals held back until it returns.
    static func withoutInterruption<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        criticalDepth += 1
        lock.unlock()
        defer {
            lock.lock()
            criticalDepth -= 1
            let pending = criticalDepth == 0 ? pendingSignal : nil
            lock.unlock()
            if let pending { terminate(pending) }
        }
        return try body()
    }

    private static func received(_ signalNumber: Int32) {
        lock.lock()
        if criticalDepth > 0 {
            pendingSignal = signalNumber
            lock.unlock()
            return
        }
        lock.unlock()
        terminate(signalNumber)
    }

    private static func terminate(_ signalNumber: Int32) -> Never {
        lock.lock()
        let folders = directories
        lock.unlock()
        for folder in folders { removeTemporaryFiles(in: folder, pid: getpid()) }
        let message = "\nsift: interrupted; temporary files removed, previous output left as it was\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(128 + signalNumber)
    }

    /// Removes this process's temporary files and work folder from `folder`: `.sift-work-PID` and `.*.sift-partial-PID`.
    static func removeTemporaryFiles(in folder: String, pid: pid_t) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name == ".sift-work-\(pid)" || (name.hasPrefix(".") && name.hasSuffix(".sift-partial-\(pid)")) {
            try? manager.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
    }
}
