// libFuzzer target: plain-text ingest (decoding, front matter), then segmenting and tagging.
import SiftKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIngestText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let result = PlainTextIngester().ingest(bytes: bytes, source: "fuzz.txt")
    FuzzSupport.check(result.documents.count == 1, "plain text must give exactly one document")
    for document in result.documents {
        FuzzSupport.check(document.bodyStart >= 0 && document.bodyStart <= document.text.utf8.count, "bodyStart outside the text")
    }
    FuzzSupport.analyse(result)
    return 0
}
