/// The report ids of a run. Ids are unique in a run: a duplicate is an error and is reported under
/// `id~2` (then `~3`, ...), in report order, so that nothing is lost. One rule for `sift run`, the
/// summary writer (and so `sift merge`) and the workbench.
struct ReportIDs {
    /// Each id in use and the file that first used it.
    private var sources: [String: String] = [:]

    /// Claims `id` for a report from `source`: the id to use, and the diagnostic when it was taken.
    mutating func claim(_ id: String, source: String) -> (id: String, diagnostic: Diagnostic?) {
        guard let first = sources[id] else {
            sources[id] = source
            return (id, nil)
        }
        var n = 2
        while sources["\(id)~\(n)"] != nil { n += 1 }
        let renamed = "\(id)~\(n)"
        sources[renamed] = source
        return (renamed, Diagnostic(.error, file: source, code: "duplicate-id",
                                    "report id '\(id)' already used by \(first); this one is reported as '\(renamed)'"))
    }
}
