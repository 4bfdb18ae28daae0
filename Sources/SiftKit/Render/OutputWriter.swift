import Foundation

/// Writes files atomically: each goes to a temporary file in the same folder and is renamed into place,
/// so a reader never sees half a file and an interrupted run leaves the previous output intact.
public struct OutputWriter {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Creates the folder if needed and writes every file.
    public func write(_ files: [(name: String, contents: String)]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file.name)
            try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }
}
