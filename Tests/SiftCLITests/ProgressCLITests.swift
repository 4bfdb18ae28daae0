import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The progress line of `sift run` (issue 7): drawn on standard error when it is a terminal, never when it
/// is a pipe or a file, and not with --quiet. The terminal is a real pseudo-terminal.
@Suite(.serialized)
struct ProgressCLITests {
    /// Runs the built binary with standard error on a new pseudo-terminal (standard output to /dev/null),
    /// and returns its exit status and everything written to the terminal.
    static func runOnTerminal(_ arguments: [String]) throws -> (status: Int32, terminal: String) {
        // posix_openpt, grantpt and unlockpt by hand (Swift's Glibc module leaves them out): unlock the
        // new terminal (TIOCSPTLCK) and ask its number (TIOCGPTN).
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: CInt = 0, number: CInt = -1
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw CLIError(message: "cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let name = "/dev/pts/\(number)"
        let terminal = open(name, O_RDWR | O_NOCTTY)
        guard terminal >= 0 else { throw CLIError(message: "cannot open \(name): \(String(cString: strerror(errno)))") }
        let process = Process()
        process.executableURL = try CLI.binary()
        process.arguments = arguments
        process.currentDirectoryURL = CLI.packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "SIFT_LEXICON")
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(fileDescriptor: terminal, closeOnDealloc: false)
        try process.run()
        close(terminal)  // the child holds its own; reading the master ends (EIO) when the child exits
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(master, &buffer, buffer.count)
            if count <= 0 { break }
            output.append(contentsOf: buffer[0..<count])
        }
        process.waitUntilExit()
        close(master)
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test func drawnOnATerminalOnlyAndNotWhenQuiet() throws {
        let folder = try CLI.temporaryDirectory()
        let corpus = folder.appendingPathComponent("corpus").path
        #expect(try CLI.run(["generate-corpus", "--count", "40", "--seed", "5", "--out", corpus]).status == 0)

        let shown = try Self.runOnTerminal(["run", corpus, "--out", folder.appendingPathComponent("a").path])
        #expect(shown.status == 0, "terminal: \(shown.terminal)")
        // The last drawing: a full bar, every report, a rate and no time left; then a new line.
        let last = try #require(shown.terminal.components(separatedBy: "\r").last { $0.hasPrefix("[") }, "terminal: \(shown.terminal)")
        #expect(last.hasPrefix("[########################] 100%  40 reports  "), "\(last)")
        #expect(last.range(of: #"  [0-9]+\.[0-9] MB/s  ETA 0s \r?\n"#, options: .regularExpression) != nil, "\(last.debugDescription)")
        #expect(shown.terminal.contains("sift: 40 reports from "), "the closing line still follows")

        let quiet = try Self.runOnTerminal(["run", corpus, "--out", folder.appendingPathComponent("b").path, "--quiet"])
        #expect(quiet.status == 0)
        #expect(!quiet.terminal.contains("reports  "), "terminal: \(quiet.terminal)")
        #expect(!quiet.terminal.contains("MB/s"))

        let piped = try CLI.run(["run", corpus, "--out", folder.appendingPathComponent("c").path])
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("MB/s"), "stderr: \(piped.stderr)")
        #expect(!piped.stderr.contains("\r"))
        #expect(piped.stderr.contains("sift: 40 reports from "))
    }
}
