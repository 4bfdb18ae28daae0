/// The report ids of a run. Ids are unique in a run: a duplicate is an error and is reported under
/// `id~2` (then `~3`, ...), in report order, so that nothing is lost. One rule for `sift run`, the
/// summary writer (and so `sift merge`) and the workbench.
///
/// Holds every id of a run (a summary of hundreds of thousands of reports checks them all), so it keeps
/// them compactly: each id with the number of the file that first used it, and each file name once
/// (reports come file by file, so a CSV export of thousands of reports stores its name once).
struct ReportIDs {
    /// Each id in use and the index in `files` of the file that first used it.
    private var first: [String: Int32] = [:]
    private var files: [String] = []

    /// The index of `source` in `files`, adding it unless it is the last one added.
    private mutating func file(_ source: String) -> Int32 {
        if files.last != source { files.append(source) }
        return Int32(files.count - 1)
    }

    /// Claims `id` for a report from `source`: the id to use, and the diagnostic when it was taken.
    mutating func claim(_ id: String, source: String) -> (id: String, diagnostic: Diagnostic?) {
        guard let taken = first[id] else {
            first[id] = file(source)
            return (id, nil)
        }
        let firstSource = files[Int(taken)]
        var n = 2
        while first["\(id)~\(n)"] != nil { n += 1 }
        let renamed = "\(id)~\(n)"
        first[renamed] = file(source)
        return (renamed, Diagnostic(.error, file: source, code: "duplicate-id",
                                    "report id '\(id)' already used by \(firstSource); this one is reported as '\(renamed)'"))
    }
}
