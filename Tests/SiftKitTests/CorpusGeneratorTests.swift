import Foundation
import Testing
@testable import SiftKit

/// The benchmark corpus generator: deterministic, readable by every ingester, and with hard negatives
/// that Sift does not count.
@Suite struct CorpusGeneratorTests {
    /// Every file of a folder (hidden ones too), by relative path.
    static func contents(of root: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let relative = String(url.resolvingSymlinksInPath().path.dropFirst(root.resolvingSymlinksInPath().path.count + 1))
            result[relative] = try Data(contentsOf: url)
        }
        return result
    }

    @Test func splitMix64MatchesTheReferenceSequence() {
        // First outputs for seed 1234567 from the reference C implementation (Vigna, splitmix64.c).
        var rng = SplitMix64(seed: 1_234_567)
        #expect(rng.next() == 6_457_827_717_110_365_317)
        #expect(rng.next() == 3_203_168_211_198_807_973)
        #expect(rng.next() == 9_817_491_932_198_370_423)
    }

    @Test func sameSeedGivesIdenticalFiles() throws {
        let a = try Support.temporaryDirectory(), b = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let first = try CorpusGenerator(seed: 42).write(count: 60, to: a.path)
        let second = try CorpusGenerator(seed: 42).write(count: 60, to: b.path)
        #expect(first == second)
        let filesA = try Self.contents(of: a), filesB = try Self.contents(of: b)
        #expect(filesA.count == 42)  // 20 txt + 20 xml + 1 csv + the manifest
        #expect(filesA == filesB)
    }

    @Test func differentSeedsGiveDifferentReports() throws {
        let a = CorpusGenerator(seed: 1), b = CorpusGenerator(seed: 2)
        let differing = (0..<20).filter { a.text(a.report($0)) != b.text(b.report($0)) }
        #expect(differing.count == 20)
        // A report depends on the seed and its index only, not on how many are made.
        #expect(a.text(a.report(7)) == CorpusGenerator(seed: 1).text(CorpusGenerator(seed: 1).report(7)))
    }

    @Test func countIsMetAndEveryFormatParsesWithoutErrors() throws {
        let root = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let manifest = try CorpusGenerator(seed: 3).write(count: 61, to: root.path)
        #expect(manifest.reports == ["txt": 21, "xml": 20, "csv": 20])
        let (files, walkDiagnostics) = InputWalker().files(for: [root.path])
        #expect(walkDiagnostics.isEmpty)
        #expect(files.count == 42)
        let registry = IngestRegistry()
        var documents: [Document] = []
        var formats: [InputFormat: Int] = [:]
        for file in files {
            let result = registry.ingest(path: file)
            #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty, "\(file): \(result.diagnostics)")
            for document in result.documents { formats[document.format, default: 0] += 1 }
            documents += result.documents
        }
        #expect(documents.count == 61)
        #expect(Set(documents.map(\.id)).count == 61)
        #expect(formats[.text] == 21 && formats[.xml] == 20)
        // Every report has its metadata and a date Sift reads.
        for document in documents {
            let metadata = Dictionary(document.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            #expect(metadata["unit"]?.isEmpty == false, "\(document.id)")
            #expect(metadata["date"].map(DatePeriod.isDate) == true, "\(document.id): \(metadata["date"] ?? "no date")")
        }
    }

    @Test func sectionsAreRecognised() throws {
        let lexicon = try Support.loadDefaultLexicon()
        let pipeline = Pipeline(lexicon: lexicon, threads: 1)
        let generator = CorpusGenerator(seed: 5, formats: [.txt])
        for index in 0..<10 {
            let text = generator.text(generator.report(index))
            let result = PlainTextIngester().ingest(bytes: Array(text.utf8), source: "r\(index).txt")
            let analysis = pipeline.analyze(result.documents[0])
            let categories = Set(analysis.sections.map(\.category))
            for expected in ["chronology", "contributory_factors", "recommendations", "action_plan", "notable_practice"] {
                #expect(categories.contains(expected), "report \(index): \(categories.sorted())")
            }
        }
    }

    /// A planted hard negative (negated, hypothetical, praised, recommendation-only) is never counted in its
    /// sentence; every planted positive is; and a report whose only escalation sentence is "There was no delay
    /// in escalation ..." does not count escalation_delay.
    @Test func hardNegativesAreNotCountedAndPositivesAre() throws {
        let lexicon = try Support.loadDefaultLexicon()
        let pipeline = Pipeline(lexicon: lexicon, threads: 1)
        let generator = CorpusGenerator(seed: 11, formats: [.txt])
        var checkedNegatives = 0
        var discounted = 0
        var noDelayReports = 0
        for index in 0..<40 {
            let report = generator.report(index)
            let text = generator.text(report)
            let document = PlainTextIngester().ingest(bytes: Array(text.utf8), source: "\(report.id).txt").documents[0]
            let analysis = pipeline.analyze(document)
            func findings(_ plant: GeneratedReport.Planted) -> [Finding] {
                analysis.findings.filter { $0.factor == plant.factor && text.bytes($0.sentenceSpan).contains(plant.sentence) }
            }
            for plant in report.planted {
                if plant.kind == "positive" {
                    #expect(findings(plant).contains { $0.isCounted }, "\(report.id): \(plant.factor) not counted in '\(plant.sentence)'")
                } else {
                    #expect(!findings(plant).contains { $0.isCounted }, "\(report.id): \(plant.kind) \(plant.factor) counted in '\(plant.sentence)'")
                    checkedNegatives += 1
                    discounted += findings(plant).count
                }
            }
            if !report.positiveFactors.contains("escalation_delay"),
               report.planted.contains(where: { $0.sentence.hasPrefix("There was no delay in escalation") }) {
                #expect(!analysis.factors.contains("escalation_delay"), "\(report.id)")
                noDelayReports += 1
            }
        }
        #expect(checkedNegatives >= 25)
        #expect(discounted >= 15)  // hard negatives that a target rule matches and the context rules discount
        #expect(noDelayReports >= 1)
    }

    @Test func writesOneCSVFilePerTenThousandRows() {
        let generator = CorpusGenerator(seed: 9, formats: [.csv])
        let row = generator.csvRow(generator.report(0))
        #expect(row.hasPrefix("\"gen-0000001\",\""))
        #expect(row.hasSuffix("\"\r\n"))
        #expect(CorpusGenerator.csvHeaderLine.hasPrefix("inc_ourref,inc_dincident,inc_unit,inc_notes"))
        #expect(CorpusFormat.list("txt, csv") == [.txt, .csv])
        #expect(CorpusFormat.list("pdf") == nil)
    }

    @Test func grepPatternTranslation() {
        #expect(EREConverter.convert(#"\b(?:delay(?:s|ed)?)\s+in\b"#) == #"\b(delay(s|ed)?)\s+in\b"#)
        #expect(EREConverter.convert(#"[\w\x27-]+\s+{0,3}?x"#) == #"[[:alnum:]_'-]+\s+{0,3}x"#)
        #expect(EREConverter.convert(#"ST\d"#) == "ST[0-9]")
        #expect(EREConverter.convert(#"a(?=b)"#) == nil)
        #expect(EREConverter.convert(#"x(?<!y)"#) == nil)
        #expect(EREConverter.convert(#"co-?ordinator\."#) == #"co-?ordinator\."#)
    }
}
