// Shared by every fuzz target (compiled into each one by scripts/fuzz.sh).
import Foundation
import SiftKit

enum FuzzSupport {
    /// The default lexicon, loaded once per fuzzing process (from $SIFT_FUZZ_LEXICON or Lexicons/default).
    nonisolated(unsafe) static let lexicon: Lexicon = {
        let path = ProcessInfo.processInfo.environment["SIFT_FUZZ_LEXICON"] ?? "Lexicons/default"
        do {
            return try LexiconLoader().load(path: path)
        } catch {
            fatalError("fuzz: cannot load the lexicon at \(path) (run from the package root or set SIFT_FUZZ_LEXICON): \(error)")
        }
    }()

    nonisolated(unsafe) static let pipeline = Pipeline(lexicon: lexicon, threads: 1)

    /// Segments and tags every document and checks the invariants every later stage relies on.
    static func analyse(_ result: IngestResult) {
        for document in result.documents {
            let analysis = pipeline.analyze(document)
            let length = document.text.utf8.count
            for section in analysis.sections {
                check(section.bodyRange.start <= section.bodyRange.end && section.bodyRange.end <= length, "section outside the text")
            }
            for finding in analysis.findings {
                check(finding.span.start <= finding.span.end && finding.span.end <= length, "finding outside the text")
            }
        }
    }

    static func check(_ condition: Bool, _ message: String) {
        if !condition { fatalError("fuzz invariant: \(message)") }
    }
}

/// Loads the lexicon before fuzzing starts, so that the one-off set-up does not count against -timeout.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    _ = FuzzSupport.pipeline
    return 0
}
