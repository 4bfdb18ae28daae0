import Foundation
import Testing
@testable import SiftKit

@Suite("Evaluation")
struct EvaluationTests {
    @Test func scoresFromCounts() {
        let scores = Scores(tp: 3, fp: 1, fn: 2)
        #expect(scores.precision == 0.75)
        #expect(abs(scores.recall - 0.6) < 1e-12)
        #expect(abs(scores.f1 - 2.0 / 3.0) < 1e-12)
        #expect((scores.f1 * 10_000).rounded() / 10_000 == 0.6667)
        #expect(scores.support == 5)
    }

    @Test func undefinedScoresAreZero() {
        let none = Scores(tp: 0, fp: 0, fn: 0)
        #expect(none.precision == 0 && none.recall == 0 && none.f1 == 0)
        let onlyMisses = Scores(tp: 0, fp: 2, fn: 3)
        #expect(onlyMisses.precision == 0 && onlyMisses.recall == 0 && onlyMisses.f1 == 0)
        let perfect = Scores(tp: 4, fp: 0, fn: 0)
        #expect(perfect.precision == 1 && perfect.recall == 1 && perfect.f1 == 1)
    }

    func gold(_ lines: String) throws -> (GoldStandard, String) {
        let folder = try Support.temporaryDirectory()
        let path = folder.appendingPathComponent("gold.jsonl").path
        try Support.write(lines, to: URL(fileURLWithPath: path))
        return (try GoldStandard.load(path: path), path)
    }

    func goldError(_ lines: String) throws -> (EvaluationError, String) {
        let folder = try Support.temporaryDirectory()
        let path = folder.appendingPathComponent("gold.jsonl").path
        try Support.write(lines, to: URL(fileURLWithPath: path))
        let error = try #require(throws: EvaluationError.self) { try GoldStandard.load(path: path) }
        return (error, path)
    }

    @Test func goldFileLoads() throws {
        let (standard, _) = try gold("""
            {"id": "r1", "factors": ["escalation_delay", "handover"]}

            {"id": "r2", "factors": []}
            """)
        #expect(standard.ids == ["r1", "r2"])
        #expect(standard.labels["r1"] == ["escalation_delay", "handover"])
        #expect(standard.labels["r2"] == [])
    }

    @Test func unknownFactorInGoldGivesFileAndLine() throws {
        let (error, path) = try goldError("""
            {"id": "r1", "factors": ["escalation_delay"]}

            {"id": "r2", "factors": ["escalation_dealy"]}
            """)
        #expect(error.message.contains("\(path):3: unknown factor id 'escalation_dealy'"))
        #expect(!error.message.contains(":1:"))
    }

    @Test func crlfGoldFileLoads() throws {
        let folder = try Support.temporaryDirectory()
        let path = folder.appendingPathComponent("gold.jsonl").path
        try Support.write("{\"id\": \"r1\", \"factors\": [\"handover\"]}\r\n{\"id\": \"r2\", \"factors\": []}\r\n", to: URL(fileURLWithPath: path))
        do {  // was a known issue; fixed
            let standard = try GoldStandard.load(path: path)
            #expect(standard.ids == ["r1", "r2"])
        }
    }

    @Test func malformedAndDuplicateGoldLines() throws {
        let (error, path) = try goldError("""
            {"id": "r1", "factors": ["escalation_delay"]}
            not json
            {"id": "r1", "factors": []}
            {"id": "r3"}
            """)
        let lines = error.message.components(separatedBy: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("\(path):2: "))
        #expect(lines[1] == "\(path):3: duplicate report id 'r1'")
        #expect(lines[2].hasPrefix("\(path):4: "))
    }

    @Test func unreadableGoldFile() {
        #expect(throws: EvaluationError.self) { try GoldStandard.load(path: "/nonexistent/gold.jsonl") }
    }

    func analyses(_ texts: [String: String]) throws -> [ReportAnalysis] {
        let pipeline = try MiniLexicon.pipeline()
        return texts.keys.sorted().map { pipeline.analyze(Support.document(texts[$0]!, id: $0)) }
    }

    @Test func missingGoldIDsAndExtraReportsThrow() throws {
        let reports = try analyses(["r1": "Findings\nThe CTG was not escalated.\n", "r9": "Nothing here."])
        let standard = GoldStandard(labels: ["r1": ["escalation_delay"], "r2": []], ids: ["r1", "r2"])
        let error = try #require(throws: EvaluationError.self) { try Evaluation.evaluate(reports: reports, gold: standard) }
        #expect(error.message.contains("gold ids with no report in the inputs: r2"))
        #expect(error.message.contains("reports with no gold labels: r9"))
        let onlyMissing = GoldStandard(labels: ["r1": [], "r2": [], "r9": [], "r7": []], ids: ["r1", "r2", "r9", "r7"])
        let second = try #require(throws: EvaluationError.self) { try Evaluation.evaluate(reports: reports, gold: onlyMissing) }
        #expect(second.message == "gold ids with no report in the inputs: r2, r7")
    }

    @Test func evaluationCountsAndMismatches() throws {
        let reports = try analyses([
            "r1": "Findings\nThe CTG was not escalated.\n",
            "r2": "Findings\nThere was no delay in escalation.\n",
            "r3": "Findings\nThere was no consultant review.\n",
        ])
        let standard = GoldStandard(labels: ["r1": ["escalation_delay", "handover"], "r2": ["escalation_delay"], "r3": []],
                                    ids: ["r1", "r2", "r3"])
        let evaluation = try Evaluation.evaluate(reports: reports, gold: standard)
        #expect(evaluation.documents == 3)
        #expect(evaluation.factors["escalation_delay"] == Scores(tp: 1, fp: 0, fn: 1))
        #expect(evaluation.factors["handover"] == Scores(tp: 0, fp: 0, fn: 1))
        #expect(evaluation.factors["senior_oversight"] == Scores(tp: 0, fp: 1, fn: 0))
        #expect(evaluation.factors["teamwork"] == Scores(tp: 0, fp: 0, fn: 0))
        #expect(evaluation.factors.count == Taxonomy.factorIDs.count)
        #expect(evaluation.micro == Scores(tp: 1, fp: 1, fn: 2))
        // Macro over the three active factors: P (1 + 0 + 0) / 3, R (0.5 + 0 + 0) / 3.
        #expect(abs(evaluation.macro.precision - 1.0 / 3.0) < 1e-12)
        #expect(abs(evaluation.macro.recall - 0.5 / 3.0) < 1e-12)
        #expect(abs(evaluation.macro.f1 - (2.0 / 3.0) / 3.0) < 1e-12)
        let kinds = evaluation.mismatches.map { "\($0.kind.rawValue) \($0.reportID) \($0.factor)" }
        #expect(kinds == ["fn r1 handover", "fn r2 escalation_delay", "fp r3 senior_oversight"])
        let falseNegative = evaluation.mismatches[1]
        #expect(falseNegative.discounted.map(\.verdict) == ["negated"])
        #expect(falseNegative.discounted.map(\.rule) == ["escalation_delay.delay"])
        #expect(falseNegative.discounted.first?.sentence == "There was no delay in escalation.")
        let falsePositive = evaluation.mismatches[2]
        #expect(falsePositive.evidence.map(\.rule) == ["senior_oversight.no_consultant"])
        #expect(evaluation.factorsBelow(0.9, minimumSupport: 1) == ["escalation_delay", "handover"])
        #expect(evaluation.factorsBelow(0.9, minimumSupport: 2) == ["escalation_delay"])
        #expect(evaluation.factorsBelow(0.9, minimumSupport: 3) == [])
        #expect(evaluation.factorsBelow(0.5, minimumSupport: 1) == ["handover"])
    }
}
