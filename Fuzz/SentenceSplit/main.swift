// libFuzzer target: the sentence splitter on arbitrary bytes (not necessarily UTF-8), and the normaliser on their decoding.
import SiftKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSentenceSplit(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let splitter = SentenceSplitter()
    // The whole buffer, and a sub-range (sections are sub-ranges of the report).
    for range in [TextRange(0, bytes.count), TextRange(bytes.count / 3, bytes.count - bytes.count / 4)] where range.start <= range.end {
        var previousEnd = range.start
        for sentence in splitter.sentences(in: bytes, range: range) {
            FuzzSupport.check(sentence.start >= previousEnd, "sentences overlap or go backwards")
            FuzzSupport.check(sentence.start < sentence.end && sentence.end <= range.end, "sentence outside its range")
            previousEnd = sentence.end
        }
    }
    let text = String(decoding: bytes, as: UTF8.self)
    let normalized = NormalizedText(text.utf8, range: TextRange(0, text.utf8.count))
    if !normalized.bytes.isEmpty {
        let original = normalized.originalRange(0..<normalized.bytes.count)
        FuzzSupport.check(original.start <= original.end && original.end <= text.utf8.count, "normalised span maps outside the text")
    }
    return 0
}
