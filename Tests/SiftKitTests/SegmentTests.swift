import Foundation
import SiftPCRE2
import Testing
@testable import SiftKit

@Suite("Sectionizer with the default section rules")
struct SectionizerTests {
    func sections(_ text: String) throws -> [Section] {
        let lexicon = try Support.loadDefaultLexicon()
        return Sectionizer(rules: lexicon.sectionRules).sections(of: Support.document(text), matchData: MatchData())
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var heading: String
        var category: String
        var role: SectionRole
        var rule: String?
        var testDescription: String { heading }
    }

    static let headings: [Case] = [
        Case(heading: "3.15 Chronology of events", category: "chronology", role: .finding, rule: "sec.chronology"),
        Case(heading: "CONTRIBUTORY FACTORS:", category: "contributory_factors", role: .finding, rule: "sec.contributory_factors"),
        Case(heading: "Findings \u{2013} care and service delivery problems", category: "findings", role: .finding, rule: "sec.findings"),
        Case(heading: "Part B: Root causes", category: "root_causes", role: .finding, rule: "sec.root_causes"),
        Case(heading: "(b) Recommendations", category: "recommendations", role: .recommendation, rule: "sec.recommendations"),
        Case(heading: "CORONER'S CONCERNS", category: "concerns", role: .finding, rule: "sec.pfd_concerns"),
        Case(heading: "CORONER\u{2019}S CONCERNS", category: "concerns", role: .finding, rule: "sec.pfd_concerns"),
        Case(heading: "Notable practice", category: "notable_practice", role: .goodPractice, rule: "sec.notable_practice"),
        Case(heading: "## 2. Terms of reference", category: "terms_of_reference", role: .hypothetical, rule: "sec.terms_of_reference"),
        Case(heading: "**Action plan**", category: "action_plan", role: .recommendation, rule: "sec.action_plan"),
        Case(heading: "4) Lessons learned -", category: "lessons_learned", role: .finding, rule: "sec.lessons_learned"),
        Case(heading: "Section 5 \u{2014} Key findings", category: "findings", role: .finding, rule: "sec.findings"),
        Case(heading: "WARD ENVIRONMENT AND ESTATES", category: "other", role: .finding, rule: nil),
    ]

    @Test(arguments: headings)
    func headingIsClassified(_ c: Case) throws {
        let text = "Report for review.\n\n\(c.heading)\nThe CTG was not escalated.\n"
        let found = try sections(text)
        #expect(found.count == 2)
        #expect(found.first?.category == "preamble")
        let section = try #require(found.last)
        #expect(section.category == c.category)
        #expect(section.role == c.role)
        #expect(section.ruleID == c.rule)
        let headingRange = try #require(section.headingRange)
        #expect(text.bytes(headingRange) == c.heading)
        #expect(text.bytes(section.bodyRange).trimmingCharacters(in: .whitespacesAndNewlines) == "The CTG was not escalated.")
        #expect(found[0].bodyRange.end <= headingRange.start)
    }

    @Test func sentenceMentioningFindingsIsNotAHeading() throws {
        let text = "Summary\nThe findings of the review were shared with the family.\nFindings were discussed at the panel\n"
        let found = try sections(text)
        #expect(found.map(\.category) == ["executive_summary"])
    }

    @Test func inlineHeadingStartsTheBodyAfterTheColon() throws {
        let text = "Intro.\nRoot cause: the CTG was misread.\n"
        let found = try sections(text)
        let section = try #require(found.last)
        #expect(section.category == "root_causes")
        #expect(section.title == "Root cause")
        #expect(text.bytes(try #require(section.headingRange)) == "Root cause:")
        #expect(text.bytes(section.bodyRange) == " the CTG was misread.\n")
    }

    @Test func textBeforeTheFirstHeadingIsThePreambleAndBodyStartIsHonoured() throws {
        let text = "id: x\n---\nFINDINGS\nOne.\nRECOMMENDATIONS\nTwo.\n"
        var document = Support.document(text)
        document.bodyStart = 10
        let lexicon = try Support.loadDefaultLexicon()
        let found = Sectionizer(rules: lexicon.sectionRules).sections(of: document, matchData: MatchData())
        #expect(found.map(\.category) == ["findings", "recommendations"])
        #expect(found.map(\.title) == ["FINDINGS", "RECOMMENDATIONS"])
        // A heading line's body starts at its line break.
        #expect(text.bytes(found[0].bodyRange) == "\nOne.\n")
        #expect(text.bytes(found[1].bodyRange) == "\nTwo.\n")
    }

    @Test func crlfLines() throws {
        let text = "Chronology\r\nAt 02:00 the CTG was abnormal.\r\nRecommendations\r\nReview the guideline.\r\n"
        let found = try sections(text)
        #expect(found.map(\.category) == ["chronology", "recommendations"])
        #expect(text.bytes(try #require(found[1].headingRange)) == "Recommendations")
    }

    @Test func declaredXMLSectionsAreClassifiedByTitle() throws {
        let xml = """
            <report id="x"><section title="3. Chronology">A.</section><section title="Safety recommendations:">B.</section>
            <section title="Miscellaneous">C.</section></report>
            """
        let document = try #require(XMLIngester().ingest(bytes: Array(xml.utf8), source: "x.xml").documents.first)
        let lexicon = try Support.loadDefaultLexicon()
        let found = Sectionizer(rules: lexicon.sectionRules).sections(of: document, matchData: MatchData())
        #expect(found.map(\.category) == ["chronology", "recommendations", "other"])
        #expect(found.map(\.role) == [.finding, .recommendation, .finding])
        #expect(found.map(\.ruleID) == ["sec.chronology", "sec.recommendations", nil])
        #expect(found.map { document.text.bytes($0.bodyRange) } == ["A.", "B.", "C."])
    }
}

@Suite("SentenceSplitter")
struct SentenceSplitterTests {
    func split(_ text: String) -> [String] {
        SentenceSplitter().sentences(in: Array(text.utf8), range: TextRange(0, text.utf8.count)).map { text.bytes($0) }
    }

    @Test func abbreviationAndTimeDoNotSplit() {
        #expect(split("Dr. Smith reviewed at 14.30. The CTG was normal.") == ["Dr. Smith reviewed at 14.30.", "The CTG was normal."])
    }

    @Test(arguments: [
        "She lost approx. 2 litres of blood.",
        "Observations, e.g. MEOWS, were not recorded.",
        "Hb 8.5 g/dl at booking was low.",
        "She was reviewed by Mrs. Jones and Dr. A. Patel at 02.15 hrs.",
        "Escalation, i.e. a call to the registrar, was not made.",
        "Fetal heart rate 110 bpm vs. a baseline of 140 bpm.",
    ])
    func noSplit(sentence: String) {
        #expect(split(sentence) == [sentence])
    }

    @Test func decimalAtSentenceEndStillSplits() {
        #expect(split("Hb was 8.5. Iron was started.") == ["Hb was 8.5.", "Iron was started."])
    }

    @Test func bulletsAndListItemsAreEachASentence() {
        let text = "\u{2022} The CTG was not reviewed\n- Staffing was short\n1) No handover took place\n(a) Delay in escalation\n* Buzzer faulty"
        #expect(split(text) == ["The CTG was not reviewed", "Staffing was short", "No handover took place", "Delay in escalation", "Buzzer faulty"])
    }

    @Test func inlineBulletsSplit() {
        #expect(split("Issues: \u{2022} no handover \u{2022} no escalation") == ["Issues:", "no handover", "no escalation"])
    }

    @Test func lineWithoutFinalPunctuationBeforeCapitalisedLine() {
        #expect(split("Chronology of care\nThe woman attended at 02:00.") == ["Chronology of care", "The woman attended at 02:00."])
    }

    @Test func wrappedLineContinuingInLowerCaseIsJoined() {
        let text = "The midwife did not escalate the abnormal\ntrace to the registrar. The registrar was busy."
        #expect(split(text) == ["The midwife did not escalate the abnormal\ntrace to the registrar.", "The registrar was busy."])
    }

    @Test func lowerCaseLineAfterAFullStopIsNotJoined() {
        #expect(split("The CTG was normal.\nthen the trace changed") == ["The CTG was normal.", "then the trace changed"])
    }

    @Test func chronologyLinesStandAlone() {
        #expect(split("14:30 Midwife reviewed\n15.00 registrar called\n1530hrs consultant informed")
            == ["14:30 Midwife reviewed", "15.00 registrar called", "1530hrs consultant informed"])
    }

    @Test func blankLinesCRLFAndQuestionMarks() {
        #expect(split("Was the CTG reviewed? No review was found!\r\n\r\nThe panel met.\r\n")
            == ["Was the CTG reviewed?", "No review was found!", "The panel met."])
    }

    @Test func closingQuoteStaysWithItsSentence() {
        #expect(split("She said \"call the registrar.\" The registrar came.") == ["She said \"call the registrar.\"", "The registrar came."])
    }

    @Test func multibyteTextAndOffsetsInsideALargerRange() throws {
        let text = "HEADING\nMénière’s disease was noted. Épisiotomy was performed.\nTail"
        let body = try #require(text.byteRange(of: "Ménière’s disease was noted. Épisiotomy was performed."))
        let ranges = SentenceSplitter().sentences(in: Array(text.utf8), range: body)
        #expect(ranges.map { text.bytes($0) } == ["Ménière’s disease was noted.", "Épisiotomy was performed."])
        #expect(ranges.first?.start == body.start)
        #expect(ranges.last?.end == body.end)
    }

    @Test func punctuationOnlyLinesAreDropped() {
        #expect(split("---\n***\nThe CTG was normal.") == ["The CTG was normal."])
    }
}
