import ArgumentParser
import Foundation
import SiftKit

struct LexiconCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lexicon",
        abstract: "Check, test, compare and measure lexicons.",
        subcommands: [LexiconTest.self, LexiconCheckCommand.self, LexiconDiffCommand.self, LexiconCoverageCommand.self, LexiconSuggestCommand.self])
}

struct LexiconTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run every rule's match / no_match examples; report each failure with rule id and file:line.")

    @OptionGroup var lexiconOptions: LexiconOptions

    func run() throws {
        let lexicon = try lexiconOptions.load()
        let report = LexiconExamples.run(lexicon)
        for failure in report.failures { Terminal.out(failure.description + "\n") }
        Terminal.out("\(report.passed) passed, \(report.failures.count) failed\n")
        if !report.failures.isEmpty { throw ExitCode(1) }
    }
}
