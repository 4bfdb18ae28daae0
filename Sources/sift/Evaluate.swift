import ArgumentParser
import Foundation
import SiftKit

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare Sift's factors with gold labels: per-factor precision, recall and F1, and every mismatch.",
        discussion: "Exit 1 when a threshold is missed; 2 when the gold file is invalid or does not match the inputs.")

    @OptionGroup var lexiconOptions: LexiconOptions

    @Option(name: .long, help: "Gold labels (JSON Lines: {\"id\": ..., \"factors\": [...]}).")
    var gold: String

    @Option(name: .long, help: "text, json or junit.")
    var format: EvaluationFormat = .text

    @Option(name: .long, help: "Fail (exit 1) when micro F1 is below this.")
    var minMicroF1: Double?

    @Option(name: .long, help: "Fail (exit 1) when any factor with enough support has F1 below this.")
    var minFactorF1: Double?

    @Option(name: .long, help: "Gold support a factor needs before --min-factor-f1 applies.")
    var minSupport: Int = 5

    @OptionGroup var privacy: PrivacyOptions

    @Flag(name: .long, help: "Leave the mismatch listing out of the text output.")
    var noMismatches = false

    @Argument(help: "Report files or folders; the gold file itself is skipped.")
    var paths: [String]

    func run() throws {
        let lexicon = try lexiconOptions.load()
        let goldStandard: GoldStandard
        do {
            goldStandard = try GoldStandard.load(path: gold)
        } catch {
            Terminal.error("sift: \(error)")
            throw ExitCode(2)
        }
        privacy.warnIfOff()
        let result = Pipeline(lexicon: lexicon, redactor: try privacy.redactor()).run(paths: paths, excluding: [gold])
        for diagnostic in result.diagnostics where diagnostic.severity == .error { Terminal.error(diagnostic.description) }
        let evaluation: Evaluation
        do {
            evaluation = try Evaluation.evaluate(reports: result.reports, gold: goldStandard)
        } catch {
            Terminal.error("sift: \(gold): \(error)")
            throw ExitCode(2)
        }
        switch format {
        case .text: Terminal.out(EvaluationRenderer.text(evaluation, showMismatches: !noMismatches))
        case .json: Terminal.out(try EvaluationRenderer.json(evaluation))
        case .junit: Terminal.out(EvaluationRenderer.junit(evaluation, minMicroF1: minMicroF1, minFactorF1: minFactorF1, minSupport: minSupport))
        }
        var failed = false
        if let threshold = minMicroF1, evaluation.micro.f1 < threshold {
            Terminal.error(String(format: "sift: micro F1 %.3f is below the threshold %.3f", evaluation.micro.f1, threshold))
            failed = true
        }
        if let threshold = minFactorF1 {
            let below = evaluation.factorsBelow(threshold, minimumSupport: minSupport)
            if !below.isEmpty {
                Terminal.error("sift: factors with F1 below \(threshold) (support >= \(minSupport)): \(below.joined(separator: ", "))")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

enum EvaluationFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, junit
}
