import Foundation

/// Temporary folders the tests make. A test run made about a hundred and left them all in the temporary
/// directory; now they go when the process exits normally. `SIFT_KEEP_TEST_FILES=1` keeps them, to look at
/// after a failure.
public enum TestFolders {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var made: [URL] = []
    private static let registered: Void = {
        atexit {
            guard ProcessInfo.processInfo.environment["SIFT_KEEP_TEST_FILES"] != "1" else { return }
            for url in TestFolders.lock.withLock({ TestFolders.made }) { try? FileManager.default.removeItem(at: url) }
        }
    }()

    /// A new, empty folder in the temporary directory, named `prefix` and a UUID.
    public static func make(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        _ = registered
        lock.withLock { made.append(url) }
        return url
    }
}
