// libFuzzer target: lexicon YAML loading (Yams, schema checks, PCRE2 compilation), strict and lenient.
import SiftKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLexiconLoad(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? LexiconLoader().load(sources: [(file: "fuzz.yaml", text: text)])
    _ = LexiconLoader().check(sources: [(file: "fuzz.yaml", text: text)])
    return 0
}
