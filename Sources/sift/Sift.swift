import ArgumentParser
import Foundation
import SiftKit

@main
struct SiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sift",
        abstract: "Tag contributory factors in maternity Serious Incident reports and summarise them.",
        discussion: """
        Exit codes: 0 every input processed; 1 the run finished but some inputs failed or a threshold was missed;
        2 fatal error before processing (invalid lexicon, unreadable gold file, unwritable output); 64 usage error.
        """,
        version: Sift.version,
        subcommands: [Run.self, Merge.self, Tag.self, Evaluate.self, LexiconCommand.self, Explain.self, Kwic.self, GenerateCorpus.self, BenchmarkCommand.self])
}

/// Options shared by every command that loads a lexicon.
struct LexiconOptions: ParsableArguments {
    @Option(name: .long, help: "Lexicon YAML file or folder (default: $SIFT_LEXICON, else Lexicons/default).")
    var lexicon: String?

    func load() throws -> Lexicon {
        let path = lexicon ?? LexiconLocator.defaultPath()
        do {
            let loaded = try LexiconLoader().load(path: path)
            for warning in loaded.warnings { Terminal.error(warning.description) }
            return loaded
        } catch let error as LexiconLoadError {
            Terminal.error(error.description)
            Terminal.error("sift: the lexicon at \(path) has \(error.issues.count) error(s)")
            throw ExitCode(2)
        }
    }
}

enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
    static func out(_ message: String) {
        FileHandle.standardOutput.write(Data(message.utf8))
    }
}
