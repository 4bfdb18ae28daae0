// libFuzzer target: Sift-schema XML ingest through libxml2 (no entities, no DTD, no network), then tagging.
import SiftKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIngestXML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let result = XMLIngester().ingest(bytes: bytes, source: "fuzz.xml")
    for document in result.documents {
        for section in document.declaredSections {
            FuzzSupport.check(section.bodyRange.end <= document.text.utf8.count, "declared section outside the text")
        }
    }
    FuzzSupport.analyse(result)
    return 0
}
