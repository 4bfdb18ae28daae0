import Foundation

/// Expands command-line paths into input files: folders walked recursively, all files in byte order of
/// their whole paths (whatever the order of the arguments); hidden files and folders skipped, symlink
/// loops detected.
public struct InputWalker: Sendable {
    public init() {}

    /// Files to read, and diagnostics for paths that could not be walked.
    public func files(for paths: [String], excluding excluded: Set<String> = []) -> (files: [String], diagnostics: [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        let excludedReal = Set(excluded.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path })
        for path in paths {
            var visited: Set<String> = []
            var found: [String] = []
            walk(path, into: &found, diagnostics: &diagnostics, visited: &visited, excluded: excludedReal, top: true)
            files += found
        }
        // One order for the whole run, whatever the order of the arguments: byte order of the whole path,
        // the order in which shards are merged too. A file named twice is read once.
        var seen = Set<String>()
        files = files.filter { seen.insert($0).inserted }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return (files, diagnostics)
    }

    private func walk(_ path: String, into files: inout [String], diagnostics: inout [Diagnostic], visited: inout Set<String>,
                      excluded: Set<String>, top: Bool) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            let isDanglingLink = (try? manager.destinationOfSymbolicLink(atPath: path)) != nil
            diagnostics.append(Diagnostic(.error, file: path, code: isDanglingLink ? "broken-link" : "not-found",
                                          isDanglingLink ? "skipped: symbolic link to nothing" : "skipped: no such file or folder"))
            return
        }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if excluded.contains(real) { return }
        guard isDirectory.boolValue else {
            files.append(path)
            return
        }
        guard visited.insert(real).inserted else {
            diagnostics.append(Diagnostic(.warning, file: path, code: "symlink-loop", "skipped: folder already visited (symbolic link loop)"))
            return
        }
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: path)
        } catch {
            diagnostics.append(Diagnostic(.error, file: path, code: "unreadable", "skipped: cannot list folder"))
            return
        }
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) where !name.hasPrefix(".") {
            walk((path as NSString).appendingPathComponent(name), into: &files, diagnostics: &diagnostics, visited: &visited,
                 excluded: excluded, top: false)
        }
    }
}
