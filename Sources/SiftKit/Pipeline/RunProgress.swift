import Foundation

/// A progress line on standard error for long runs: reports done, MB/s and time left. Silent unless
/// standard error is a terminal (and the caller did not ask for quiet).
public final class RunProgress: @unchecked Sendable {
    private var totalBytes = 0
    private var bytes = 0
    private var reports = 0
    private var started = Date()
    private var lastDrawn = Date.distantPast
    private let lock = NSLock()
    private let enabled: Bool

    /// `enabled` is usually `isatty(2) && !quiet`.
    public init(enabled: Bool) {
        self.enabled = enabled
    }

    /// True when standard error is a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    func start(totalBytes: Int) {
        lock.lock(); defer { lock.unlock() }
        self.totalBytes = totalBytes
        started = Date()
    }

    func advance(reports: Int, bytes: Int) {
        lock.lock(); defer { lock.unlock() }
        self.reports += reports
        self.bytes += bytes
        let now = Date()
        guard enabled, now.timeIntervalSince(lastDrawn) >= 0.2 else { return }
        lastDrawn = now
        draw(now)
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        guard enabled else { return }
        draw(Date())
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw(_ now: Date) {
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(bytes) / elapsed / 1_000_000
        let fraction = totalBytes > 0 ? min(1, Double(bytes) / Double(totalBytes)) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        var eta = "--"
        if fraction > 0.01, rate > 0 {
            let seconds = Int(Double(totalBytes - bytes) / 1_000_000 / rate)
            eta = seconds >= 60 ? "\(seconds / 60)m\(String(format: "%02d", seconds % 60))s" : "\(seconds)s"
        }
        let line = "\r[\(bar)] \(Int(fraction * 100))%  \(reports) reports  " + String(format: "%.1f", rate) + " MB/s  ETA \(eta) "
        FileHandle.standardError.write(Data(line.utf8))
    }
}
