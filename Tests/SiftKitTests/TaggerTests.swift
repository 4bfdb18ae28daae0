import Foundation
import SiftPCRE2
import Testing
@testable import SiftKit

/// Which lexicon a tagging test runs with.
enum LexiconKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case mini
    case `default`
    var testDescription: String { rawValue }

    func pipeline() throws -> Pipeline {
        switch self {
        case .mini: try MiniLexicon.pipeline()
        case .default: Pipeline(lexicon: try Support.loadDefaultLexicon(), threads: 1)
        }
    }
}

/// Checks the invariants every finding must satisfy.
func checkInvariants(_ analysis: ReportAnalysis, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let text = analysis.document.text
    for finding in analysis.findings {
        #expect(text.bytes(finding.span) == finding.matchedText, sourceLocation: sourceLocation)
        #expect(text.bytes(finding.sentenceSpan) == finding.sentence, sourceLocation: sourceLocation)
        #expect(finding.sentenceSpan.start <= finding.span.start && finding.span.end <= finding.sentenceSpan.end, sourceLocation: sourceLocation)
        #expect(!finding.matchedText.isEmpty, sourceLocation: sourceLocation)
        #expect(finding.ruleID.hasPrefix(finding.factor + "."), sourceLocation: sourceLocation)
        #expect(finding.reportID == analysis.id, sourceLocation: sourceLocation)
        #expect(finding.section == analysis.sections[finding.sectionIndex].category, sourceLocation: sourceLocation)
        for modifier in finding.modifiers {
            if let span = modifier.span {
                #expect(text.bytes(span) == modifier.trigger, sourceLocation: sourceLocation)
                #expect(finding.sentenceSpan.start <= span.start && span.end <= finding.sentenceSpan.end, sourceLocation: sourceLocation)
            }
            #expect(!modifier.ruleID.isEmpty, sourceLocation: sourceLocation)
        }
    }
    let counted = Set(analysis.findings.filter(\.isCounted).map(\.factor))
    #expect(analysis.factors == Taxonomy.factorIDs.filter(counted.contains), sourceLocation: sourceLocation)
}

/// Analyses `text` and returns the escalation_delay findings.
func escalationFindings(_ text: String, _ kind: LexiconKind, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> (ReportAnalysis, [Finding]) {
    let analysis = try kind.pipeline().analyze(Support.document(text))
    checkInvariants(analysis, sourceLocation: sourceLocation)
    return (analysis, analysis.findings.filter { $0.factor == "escalation_delay" })
}

@Suite("Tagger and Pipeline")
struct TaggerTests {
    @Test(arguments: LexiconKind.allCases)
    func plainStatementIsCounted(_ kind: LexiconKind) throws {
        let (analysis, findings) = try escalationFindings("Findings\nThe abnormal CTG was not escalated to the registrar.\n", kind)
        let finding = try #require(findings.first)
        #expect(finding.verdict == .counted)
        #expect(finding.isCounted)
        #expect(finding.section == "findings")
        #expect(finding.matchedText.contains("escalated"))
        #expect(analysis.factors.contains("escalation_delay"))
    }

    @Test(arguments: LexiconKind.allCases)
    func negation(_ kind: LexiconKind) throws {
        let (analysis, findings) = try escalationFindings("Findings\nThere was no delay in escalation.\n", kind)
        let finding = try #require(findings.first)
        #expect(finding.verdict == .negated)
        #expect(finding.modifiers.contains { $0.category == .negated && $0.ruleID == "neg.there_was_no" })
        let trigger = try #require(finding.modifiers.first { $0.ruleID == "neg.there_was_no" })
        #expect(trigger.trigger == "There was no")
        #expect(!analysis.factors.contains("escalation_delay"))
    }

    @Test(arguments: LexiconKind.allCases)
    func hypotheticalInvertedConditional(_ kind: LexiconKind) throws {
        let (analysis, findings) = try escalationFindings(
            "Findings\nHad the CTG been reviewed, the delay in escalation would have been avoided.\n", kind)
        let finding = try #require(findings.first)
        #expect(finding.verdict == .hypothetical)
        #expect(finding.modifiers.contains { $0.ruleID == "hyp.had_inverted" })
        #expect(!analysis.factors.contains("escalation_delay"))
    }

    @Test(arguments: LexiconKind.allCases)
    func hypotheticalIf(_ kind: LexiconKind) throws {
        let (_, findings) = try escalationFindings("Findings\nIf escalation was delayed, the outcome could differ.\n", kind)
        let finding = try #require(findings.first)
        #expect(finding.verdict == .hypothetical)
        #expect(finding.modifiers.contains { $0.category == .hypothetical && $0.ruleID == "hyp.if" })
    }

    @Test(arguments: LexiconKind.allCases)
    func recommendationBySection(_ kind: LexiconKind) throws {
        let (analysis, findings) = try escalationFindings(
            "Findings\nThe woman was reviewed at 02:00.\n\nRecommendations\nEscalation was delayed on the labour ward.\n", kind)
        let finding = try #require(findings.first)
        #expect(finding.section == "recommendations")
        #expect(finding.verdict == .recommendation)
        let modifier = try #require(finding.modifiers.first { $0.category == .recommendation })
        #expect(modifier.ruleID == "sec.recommendations")
        #expect(modifier.span == nil)
        #expect(modifier.trigger == "Recommendations")
        #expect(!analysis.factors.contains("escalation_delay"))
    }

    @Test(arguments: LexiconKind.allCases)
    func findingTriggerLiftsASectionRecommendation(_ kind: LexiconKind) throws {
        let (analysis, findings) = try escalationFindings(
            "Recommendations\nBecause the CTG was not escalated, escalation training is to be refreshed.\n", kind)
        let finding = try #require(findings.first { $0.matchedText.contains("not escalated") })
        #expect(finding.section == "recommendations")
        #expect(finding.modifiers.contains { $0.category == .finding && $0.ruleID == "fin.because" })
        #expect(!finding.modifiers.contains { $0.category == .recommendation && $0.span == nil })
        #expect(finding.verdict == .counted)
        #expect(analysis.factors.contains("escalation_delay"))
    }

    @Test(arguments: LexiconKind.allCases)
    func goodPracticeSection(_ kind: LexiconKind) throws {
        let (analysis, findings) = try escalationFindings(
            "Notable practice\nThe delay in escalation was openly discussed with the family.\n", kind)
        let finding = try #require(findings.first)
        #expect(finding.section == "notable_practice")
        #expect(finding.verdict == .goodPractice)
        #expect(finding.modifiers.contains { $0.category == .goodPractice && $0.ruleID == "sec.notable_practice" && $0.span == nil })
        #expect(analysis.factors.isEmpty)
    }

    @Test(arguments: LexiconKind.allCases)
    func terminatorEndsNegationScope(_ kind: LexiconKind) throws {
        let (analysis, findings) = try escalationFindings(
            "Findings\nThere was no consultant on site but the escalation was delayed.\n", kind)
        let finding = try #require(findings.first)
        #expect(finding.verdict == .counted, "\(finding.modifiers)")
        #expect(!finding.modifiers.contains { $0.category == .negated })
        #expect(analysis.factors.contains("escalation_delay"))
    }

    @Test func withoutTerminatorTheSameNegationApplies() throws {
        let (_, findings) = try escalationFindings("Findings\nThere was no consultant on site and the escalation was delayed.\n", .mini)
        let finding = try #require(findings.first)
        #expect(finding.verdict == .negated)
    }

    @Test func triggerInsideTheTargetDoesNotNegateIt() throws {
        let analysis = try MiniLexicon.pipeline().analyze(Support.document("Findings\nThere was no consultant review overnight.\n"))
        checkInvariants(analysis)
        let finding = try #require(analysis.findings.first { $0.factor == "senior_oversight" })
        #expect(finding.matchedText == "no consultant review")
        #expect(finding.verdict == .counted)
        #expect(finding.modifiers.isEmpty)
        #expect(analysis.factors == ["senior_oversight"])
    }

    @Test func pseudoTriggerBlocksNegation() throws {
        let analysis = try MiniLexicon.pipeline().analyze(Support.document("Findings\nThe team noted no further delay in escalation.\n"))
        checkInvariants(analysis)
        let finding = try #require(analysis.findings.first)
        #expect(finding.verdict == .counted)
    }

    @Test func scopeLimitsAForwardTrigger() throws {
        // neg.no has a scope of 4 words: the target is 7 words away.
        let text = "Findings\nNo records were kept of the ward round and escalation was delayed.\n"
        let analysis = try MiniLexicon.pipeline().analyze(Support.document(text))
        checkInvariants(analysis)
        #expect(analysis.findings.first?.verdict == .counted)
        let near = try MiniLexicon.pipeline().analyze(Support.document("Findings\nNo sign that escalation was delayed.\n"))
        #expect(near.findings.first?.verdict == .negated)
    }

    @Test func backwardTriggerNegatesTextBeforeIt() throws {
        let analysis = try MiniLexicon.pipeline().analyze(Support.document("Findings\nThe delay in escalation was not a contributory factor.\n"))
        checkInvariants(analysis)
        let finding = try #require(analysis.findings.first)
        #expect(finding.verdict == .negated)
        #expect(finding.modifiers.map(\.ruleID) == ["neg.not_a_factor"])
        let after = try MiniLexicon.pipeline().analyze(Support.document("Findings\nIt was not a factor; escalation was delayed.\n"))
        #expect(after.findings.first?.verdict == .counted)
    }

    @Test func negationOutranksOtherModifiers() {
        func modifier(_ category: ContextCategory) -> Modifier { Modifier(category: category, ruleID: "r", trigger: "t", span: nil) }
        #expect(Tagger.verdict(for: []) == .counted)
        #expect(Tagger.verdict(for: [modifier(.recommendation), modifier(.negated), modifier(.hypothetical)]) == .negated)
        #expect(Tagger.verdict(for: [modifier(.goodPractice), modifier(.hypothetical)]) == .hypothetical)
        #expect(Tagger.verdict(for: [modifier(.recommendation), modifier(.goodPractice)]) == .goodPractice)
        #expect(Tagger.verdict(for: [modifier(.recommendation)]) == .recommendation)
        #expect(Tagger.verdict(for: [modifier(.recommendation), modifier(.finding)]) == .counted)
        #expect(Tagger.verdict(for: [modifier(.finding)]) == .counted)
    }

    @Test func spansMapBackThroughMultibyteAndFoldedText() throws {
        let text = "Préambule — café.\n\nFindings\nMrs Ó’Brien’s CTG\u{00A0}\u{2014} reviewed at 02:00 \u{2014} was not\u{00A0}\u{00A0}escalated; there was no\nconsultant on site.\n"
        let analysis = try MiniLexicon.pipeline().analyze(Support.document(text))
        checkInvariants(analysis)
        #expect(analysis.findings.map(\.factor) == ["escalation_delay", "senior_oversight"])
        let escalation = analysis.findings[0]
        #expect(escalation.matchedText == "not\u{00A0}\u{00A0}escalated")
        #expect(escalation.span == text.byteRange(of: "not\u{00A0}\u{00A0}escalated"))
        #expect(escalation.ruleID == "escalation_delay.not_escalated")
        let oversight = analysis.findings[1]
        #expect(oversight.matchedText == "no\nconsultant on site")
        #expect(oversight.sentence.hasPrefix("Mrs Ó’Brien’s"))
        #expect(oversight.verdict == .counted)
    }

    @Test func findingsCarryRuleIDsAndModifierRuleIDs() throws {
        let text = "Findings\nThe CTG was not escalated.\nThere was no delay in escalation.\n\nRecommendations\nStaff must ensure escalation was delayed no more.\n"
        let analysis = try MiniLexicon.pipeline().analyze(Support.document(text))
        checkInvariants(analysis)
        #expect(analysis.findings.map(\.ruleID) == ["escalation_delay.not_escalated", "escalation_delay.delay", "escalation_delay.delay"])
        #expect(analysis.findings.map(\.verdict) == [.counted, .negated, .recommendation])
        #expect(analysis.findings.map(\.sentenceIndex) == [0, 1, 2])
        #expect(analysis.findings[1].modifiers.map(\.ruleID).contains("neg.there_was_no"))
        #expect(Set(analysis.findings[2].modifiers.map(\.ruleID)) == ["rec.modal", "sec.recommendations"])
        #expect(analysis.factors == ["escalation_delay"])
    }

    @Test func factorsListOnlyCountedFactorsInTaxonomyOrder() throws {
        let text = "Findings\nThere was no consultant review.\nThe CTG was not escalated.\n\nRecommendations\nEscalation was delayed.\n"
        let analysis = try MiniLexicon.pipeline().analyze(Support.document(text))
        checkInvariants(analysis)
        #expect(analysis.factors == ["escalation_delay", "senior_oversight"])
        let discounted = try MiniLexicon.pipeline().analyze(Support.document("Findings\nIf the CTG was not escalated, harm may follow.\n"))
        #expect(discounted.findings.count == 1)
        #expect(discounted.factors.isEmpty)
    }

    @Test func overlappingRulesOfOneFactorGiveOneFinding() throws {
        let lexicon = try LexiconLoader().load(sources: [("o.yaml", """
            lexicon: {name: o, version: 1}
            targets:
              - {id: escalation_delay.a, factor: escalation_delay, pattern: 'not\\s+escalated'}
              - {id: escalation_delay.b, factor: escalation_delay, pattern: 'was\\s+not\\s+escalated'}
              - {id: communication.c, factor: communication, pattern: 'not\\s+escalated'}
            """)])
        let analysis = Pipeline(lexicon: lexicon, threads: 1).analyze(Support.document("The CTG was not escalated."))
        checkInvariants(analysis)
        // Sorted by position, then factor id; the longer rule of the same factor lost to the first.
        #expect(analysis.findings.map(\.ruleID) == ["communication.c", "escalation_delay.a"])
        #expect(analysis.factors == ["escalation_delay", "communication"])
    }

    @Test func regexLimitBecomesADiagnosticNotACrash() throws {
        let lexicon = try LexiconLoader(limits: Pattern.Limits(matchLimit: 1000, depthLimit: 100)).load(sources: [("l.yaml", """
            lexicon: {name: l, version: 1}
            targets:
              - {id: escalation_delay.slow, factor: escalation_delay, pattern: '(a+)+$'}
              - {id: escalation_delay.ok, factor: escalation_delay, pattern: 'not\\s+escalated'}
            """)])
        let text = "Findings\nThe CTG was not escalated aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab.\n"
        let analysis = Pipeline(lexicon: lexicon, threads: 1).analyze(Support.document(text))
        #expect(analysis.findings.map(\.ruleID) == ["escalation_delay.ok"])
        let diagnostic = try #require(analysis.diagnostics.first { $0.code == "regex-limit" })
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.line == 2)
        #expect(diagnostic.column == 1)
        #expect(diagnostic.message.contains("escalation_delay.slow"))
    }

    @Test func emptyAndHeadinglessReportsAreDiagnosed() throws {
        let pipeline = try MiniLexicon.pipeline()
        #expect(pipeline.analyze(Support.document("")).diagnostics.map(\.code) == ["empty-report"])
        let long = pipeline.analyze(Support.document("One here. Two here. Three here. Four here."))
        #expect(long.diagnostics.map(\.code) == ["no-sections"])
        #expect(long.sentenceCount == 4)
    }

    @Test func xmlReportIsTaggedWithDeclaredSections() throws {
        let xml = #"<report id="x1"><section title="Findings">The CTG was not escalated.</section><section title="Recommendations">Escalation was delayed.</section></report>"#
        let document = try #require(XMLIngester().ingest(bytes: Array(xml.utf8), source: "x1.xml").documents.first)
        let analysis = try MiniLexicon.pipeline().analyze(document)
        checkInvariants(analysis)
        #expect(analysis.findings.map(\.section) == ["findings", "recommendations"])
        #expect(analysis.findings.map(\.verdict) == [.counted, .recommendation])
    }
}

@Suite("Pipeline.run")
struct PipelineRunTests {
    @Test func runAccountsForEveryInputAndRenamesDuplicateIDs() throws {
        let root = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try Support.write("---\nid: dup\n---\nFindings\nThe CTG was not escalated.\n", to: root.appendingPathComponent("a.txt"))
        try Support.write("---\nid: dup\n---\nFindings\nThere was no delay in escalation.\n", to: root.appendingPathComponent("b.txt"))
        try Support.write("<report><section title='Findings'>x</sectio></report>", to: root.appendingPathComponent("c.xml"))
        try Support.write("ignored", to: root.appendingPathComponent("d.pdf"))
        let missing = root.appendingPathComponent("missing.txt").path
        for threads in [1, 4] {
            var pipeline = try MiniLexicon.pipeline()
            pipeline.threads = threads
            let result = pipeline.run(paths: [root.path, missing])
            #expect(result.reports.map(\.id) == ["dup", "dup~2"])
            #expect(result.reports[1].findings.allSatisfy { $0.reportID == "dup~2" })
            #expect(result.reports.map(\.factors) == [["escalation_delay"], []])
            #expect(result.inputs.map { ($0.file as NSString).lastPathComponent } == ["a.txt", "b.txt", "c.xml", "d.pdf", "missing.txt"])
            #expect(result.inputs.map(\.status) == [.processed, .processed, .skipped, .skipped, .skipped])
            #expect(Set(result.diagnostics.map(\.code)).isSuperset(of: ["duplicate-id", "malformed-xml", "unknown-format", "not-found"]))
            #expect(result.hasFailures)
        }
    }
}
