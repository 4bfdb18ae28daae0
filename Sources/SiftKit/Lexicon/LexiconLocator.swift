import Foundation

/// Finds the shipped default lexicon.
public enum LexiconLocator {
    /// `$SIFT_LEXICON`, else `Lexicons/default` in the working folder, else next to the package that
    /// built the running binary (`.build/<config>/sift` -> `Lexicons/default`).
    public static func defaultPath() -> String {
        if let path = ProcessInfo.processInfo.environment["SIFT_LEXICON"], !path.isEmpty { return path }
        let local = "Lexicons/default"
        if FileManager.default.fileExists(atPath: local) { return local }
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = url.appendingPathComponent("Lexicons/default").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            url.deleteLastPathComponent()
        }
        return local
    }
}
