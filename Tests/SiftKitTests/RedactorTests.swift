import Testing
@testable import SiftKit

/// Identifier cases for redaction. The NHS numbers were drawn at random and checked with an
/// independent Modulus 11 implementation (Python); none is a real person's.
enum IdentifierCases {
    static let validNHS = [
        "0830166130", "1860913903", "9960308243", "6281948211", "9935181901", "9378657974", "5432319489", "2527601898",
        "5559797111", "5075291708", "3423667125", "7684268465", "5632122336", "0792440269", "8599528904", "7866661766",
        "0313721599", "0109281594", "0139624597", "5711777742", "1215472803", "3852808413", "4852538883", "5393363389",
        "7500474393", "5755131376", "3537990758", "1163726516", "6761222028", "9729975280", "8200182630", "3043483952",
        "4862057985", "6828288076", "2902227914", "8058887188", "0334018781", "0175989834", "4788783843", "8372616752",
    ]
    static let invalidNHS = [
        "1361341255", "2427316726", "3268656359", "5150587703", "6589481133", "1144024260", "4628897515", "4026140149",
        "1931417050", "8649208313", "2402344831", "4782450401", "0088387373", "1678684334", "5326502012", "4620168492",
        "3407224703", "4558530430", "5205617480", "3380141268",
    ]
    static func spaced(_ n: String, _ separator: String) -> String {
        let c = Array(n)
        return String(c[0..<3]) + separator + String(c[3..<6]) + separator + String(c[6..<10])
    }
    /// Every valid number in three layouts.
    static let nhsInText: [String] = validNHS.flatMap { [$0, spaced($0, " "), spaced($0, "-")] }

    static let dates = [
        "21/06/2018", "1/6/2018", "21-06-18", "21.06.2018", "2018-06-21", "21st June 2018", "21 June 2018", "21 Jun 2018",
        "3rd of March 2021", "June 21, 2018", "June 21st", "21st June", "1 Sept 2020", "12 December 2019", "4 Feb 22",
        "09/11/2023", "30.04.21", "31-12-2024", "2nd May", "May 2023", "14 Oct 2022", "Nov 3, 2021", "23rd December 2021",
        "7th Aug", "17/4/23", "28 February 2020", "1st January 2019", "12th July 2017", "29.02.2024", "5 Mar 2025",
    ]
    static let times = [
        "14.30", "02:15", "23:59", "00:05", "9.30am", "9:30 pm", "1430hrs", "0344 hrs", "14:30:05", "07.45",
        "11 pm", "6am", "2200 hours", "12.15", "19:00",
    ]
    static let postcodes = [
        "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "LS1 4AP", "EC1A 1BB", "W1A 0AX", "NE1 7RU", "CF10 3AT",
        "G2 3BZ", "EH1 1YZ", "BS1 6QH", "L1 8JQ", "S1 2HE", "OX1 2JD", "CB2 1TN", "PL4 8AA", "TR1 3HD", "SW1A1AA",
    ]
    static let phones = [
        "07700 900123", "07700900123", "0161 496 0000", "020 7946 0958", "+44 7700 900456", "01632 960001", "0117 496 0123",
        "+44 (0)20 7946 0000", "0300-123-4567", "01234 567890",
    ]
    static let emails = ["jane.doe@example.nhs.uk", "j_smith+si@trust.example.org", "a.b@c.co.uk", "midwife1@example.com", "x@y.io"]
    static let hospitalNumbers = ["MRN 1234567", "hospital number: AB123456", "Hospital No. 9876543", "K1234567", "RX7654321"]
}

@Suite struct RedactorTests {
    let redactor = try! Redactor()

    @Test(arguments: IdentifierCases.nhsInText)
    func validNHSNumbersAreRedacted(_ number: String) {
        let out = redactor.redact("The woman (\(number)) was admitted.")
        #expect(out == "The woman ([NHS-NUMBER]) was admitted.")
    }

    @Test(arguments: IdentifierCases.invalidNHS)
    func invalidNumbersNearNHSAreStillRedacted(_ number: String) {
        #expect(redactor.redact("NHS number \(number) recorded.") == "NHS number [NHS-NUMBER] recorded.")
        #expect(redactor.redact("Her NHS no: \(IdentifierCases.spaced(number, " ")).") == "Her NHS no: [NHS-NUMBER].")
    }

    @Test(arguments: IdentifierCases.invalidNHS)
    func invalidTenDigitRunsFarFromNHSAreLeft(_ number: String) {
        #expect(!redactor.identifiers(in: "Batch \(number) of the reagent was used.").contains { $0.kind == .nhsNumber })
    }

    @Test func modulus11() {
        #expect(Redactor.passesModulus11([9, 4, 3, 4, 7, 6, 5, 9, 1, 9]))
        #expect(!Redactor.passesModulus11([9, 4, 3, 4, 7, 6, 5, 9, 1, 8]))
        #expect(!Redactor.passesModulus11([1, 2, 3]))
    }

    @Test func chiNumbersNearCHI() {
        #expect(redactor.redact("CHI 0101901234 noted.") == "CHI [CHI-NUMBER] noted.")
    }

    @Test(arguments: IdentifierCases.dates)
    func datesAreRedacted(_ date: String) {
        let out = redactor.redact("Seen on \(date) by the team.")
        #expect(out == "Seen on [DATE] by the team.", "\(date) -> \(out)")
    }

    @Test(arguments: IdentifierCases.times)
    func timesAreRedacted(_ time: String) {
        let out = redactor.redact("At \(time) the CTG was reviewed.")
        #expect(out == "At [TIME] the CTG was reviewed.", "\(time) -> \(out)")
    }

    @Test(arguments: ["Hb 8.5 g/dl", "pH 7.22", "lactate 4.8", "blood loss 1.5 litres", "41+5 weeks", "BMI 38.2", "score of 7"])
    func clinicalNumbersAreNotTimesOrDates(_ text: String) {
        #expect(redactor.redact(text) == text)
    }

    @Test(arguments: IdentifierCases.postcodes)
    func postcodesAreRedacted(_ postcode: String) {
        #expect(redactor.redact("She lives at \(postcode), near the unit.") == "She lives at [POSTCODE], near the unit.")
    }

    @Test(arguments: IdentifierCases.phones)
    func phoneNumbersAreRedacted(_ phone: String) {
        let out = redactor.redact("Call \(phone) for the ward.")
        #expect(out == "Call [PHONE] for the ward.", "\(phone) -> \(out)")
    }

    @Test(arguments: IdentifierCases.emails)
    func emailsAreRedacted(_ email: String) {
        #expect(redactor.redact("Sent to \(email) today.") == "Sent to [EMAIL] today.")
    }

    @Test(arguments: IdentifierCases.hospitalNumbers)
    func hospitalNumbersAreRedacted(_ number: String) {
        let out = redactor.redact("Record \(number) reviewed.")
        #expect(!out.contains { $0.isNumber }, "\(number) -> \(out)")
        #expect(out.contains("[HOSPITAL-NUMBER]"))
    }

    @Test(arguments: [
        ("Mrs Jones was reviewed.", "Mrs [NAME] was reviewed."),
        ("Dr Patel attended.", "Dr [NAME] attended."),
        ("Dr. Alan Foster attended.", "Dr. [NAME] attended."),
        ("Sister Okafor took over.", "Sister [NAME] took over."),
        ("Matron Davies was informed.", "Matron [NAME] was informed."),
        ("midwife Wendy Clarke called.", "midwife [NAME] called."),
        ("Baby Jones was born in poor condition.", "Baby [NAME] was born in poor condition."),
        ("her partner John Smith asked for help.", "her partner [NAME] asked for help."),
        ("Her husband, Mark, raised concerns.", "Her husband, [NAME], raised concerns."),
        ("Ms O'Neill declined.", "Ms [NAME] declined."),
        ("Mr McDonald phoned.", "Mr [NAME] phoned."),
        ("Prof Hughes-Barton reviewed the case.", "Prof [NAME] reviewed the case."),
        ("Miss Ahmed was in pain.", "Miss [NAME] was in pain."),
        ("registrar Dr Lee was in theatre.", "registrar Dr [NAME] was in theatre."),
        ("Her mother Anne stayed.", "Her mother [NAME] stayed."),
    ])
    func namesAfterTitlesAreRedacted(_ input: String, _ expected: String) {
        #expect(redactor.redact(input) == expected)
    }

    @Test(arguments: [
        "The Midwife Led Unit was busy.", "The Consultant Obstetrician attended.", "Sister on the ward was busy.",
        "The registrar was in theatre.", "Baby was born at 40 weeks.",
    ])
    func roleWordsWithoutNamesAreKept(_ input: String) {
        #expect(redactor.redact(input) == input)
    }

    @Test func surnameRecurringAloneIsRedactedWithReportContext() {
        let report = "Mrs Sarah Whitfield attended triage. Later, Whitfield was sent home. Sarah returned the next day."
        let names = redactor.knownNames(in: report)
        #expect(redactor.redact("Later, Whitfield was sent home.", knownNames: names) == "Later, [NAME] was sent home.")
        #expect(redactor.redact("Sarah returned the next day.", knownNames: names) == "[NAME] returned the next day.")
        #expect(redactor.redact(report, knownNames: names) == "Mrs [NAME] attended triage. Later, [NAME] was sent home. [NAME] returned the next day.")
    }

    @Test func offsetsOfIdentifiersPointIntoTheOriginalText() {
        let text = "Seen at 14.30 on 21/06/2018 — NHS 943 476 5919, Mrs Jones."
        let found = redactor.identifiers(in: text)
        let bytes = Array(text.utf8)
        let pieces = found.map { String(decoding: bytes[$0.range], as: UTF8.self) }
        #expect(pieces == ["14.30", "21/06/2018", "943 476 5919", "Jones"])
        #expect(found.map(\.kind) == [.time, .date, .nhsNumber, .name])
    }

    @Test func sentencesWithoutDigitsStillLoseNamesAndAddresses() {
        // Number, date and time patterns are skipped when a sentence has no digit; names and e-mail are not.
        #expect(redactor.redact("Mrs Okafor emailed jo.bloggs@nhs.net about Sister Rowe.") == "Mrs [NAME] emailed [EMAIL] about Sister [NAME].")
        #expect(redactor.redact("No numbers here, only words.") == "No numbers here, only words.")
        #expect(redactor.redact("Seen on the ward; 21 June 2018 was the date.") == "Seen on the ward; [DATE] was the date.")
    }

    @Test func aLocalHospitalNumberPatternWithoutDigitsStillRuns() throws {
        let local = try Redactor(hospitalNumberPattern: #"\bHOSP-[A-Z]{4}\b"#)
        #expect(local.redact("Record HOSP-ABCD reviewed.") == "Record [HOSPITAL-NUMBER] reviewed.")
    }
}
