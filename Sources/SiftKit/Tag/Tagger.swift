import Dispatch
import SiftPCRE2

/// Finds target-rule matches in each sentence and decides, ConText style, what their context
/// makes of them: negated, hypothetical, good practice, recommendation, or counted.
public struct Tagger: Sendable {
    public let lexicon: Lexicon
    /// The rules flattened into parallel arrays: the hot loop touches only what it needs, and never
    /// copies a rule struct (whose many fields cost a retain and release each).
    private let rules: CompiledRules

    /// - Parameter prefilter: run a pattern only on sentences that contain one of its required literals
    ///   (found in one Aho-Corasick pass). Findings are identical either way; it is a speed-up.
    public init(lexicon: Lexicon, prefilter: Bool = true) {
        self.lexicon = lexicon
        self.rules = CompiledRules(lexicon: lexicon, prefilter: prefilter)
    }

    /// The prefilter's size: distinct literals, automaton states, and rules it can skip.
    public var prefilterShape: (literals: Int, states: Int, rules: Int) {
        (rules.scanner?.literalCount ?? 0, rules.scanner?.stateCount ?? 0,
         (0..<rules.patterns.count).filter { rules.prefilter.branchStart[$0] < rules.prefilter.branchStart[$0 + 1] }.count)
    }

    /// Pattern slots: targets first, then context rules, each with its required literals.
    final class CompiledRules: @unchecked Sendable {
        let patterns: [Pattern]
        let ids: [String]
        /// Factor id per target slot.
        let factors: [String]
        let targetCount: Int
        /// Context rule per context slot (index `slot - targetCount`).
        let context: [(category: ContextCategory?, direction: ContextDirection, scope: Int?)]
        let pseudoSlots: [Int]
        let modifierSlots: [Int]
        let terminatorSlots: [Int]
        /// The prefilter (see ``PrefilterIndex``); its `scanner` is nil when no slot has literals.
        let prefilter: PrefilterIndex
        var scanner: LiteralScanner? { prefilter.scanner }

        init(lexicon: Lexicon, prefilter: Bool) {
            patterns = lexicon.targets.map(\.pattern) + lexicon.contextRules.map(\.trigger)
            // (Tagger.slotSources gives these patterns' sources in the same order.)
            ids = lexicon.targets.map(\.id) + lexicon.contextRules.map(\.id)
            factors = lexicon.targets.map(\.factor)
            targetCount = lexicon.targets.count
            context = lexicon.contextRules.map { ($0.category, $0.direction, $0.scope) }
            let base = lexicon.targets.count
            pseudoSlots = lexicon.contextRules.indices.filter { lexicon.contextRules[$0].direction == .pseudo }.map { $0 + base }
            terminatorSlots = lexicon.contextRules.indices.filter { lexicon.contextRules[$0].direction == .terminate }.map { $0 + base }
            modifierSlots = lexicon.contextRules.indices.filter {
                lexicon.contextRules[$0].direction != .pseudo && lexicon.contextRules[$0].direction != .terminate
            }.map { $0 + base }
            // The loader builds the index alongside the JIT; a tagger given other rules (or none of its
            // own) builds it here, each pattern's literals extracted on every core.
            let sources = patterns.map(\.source)
            let index: PrefilterIndex
            if prefilter, let known = lexicon.prefilter, known.sources == sources, known.targetCount == targetCount {
                index = known
            } else if prefilter {
                var extracted = [[[RequiredLiterals.Strings]]?](repeating: nil, count: patterns.count)
                extracted.withUnsafeMutableBufferPointer { results in
                    nonisolated(unsafe) let out = results
                    DispatchQueue.concurrentPerform(iterations: results.count) { index in
                        out[index] = RequiredLiterals.extractAlternatives(sources[index])
                    }
                }
                index = PrefilterIndex(sources: sources, targetCount: targetCount, alternatives: extracted)
            } else {
                index = PrefilterIndex(sources: sources, targetCount: targetCount, alternatives: Array(repeating: nil, count: sources.count))
            }
            self.prefilter = index
        }
    }

    /// The pattern sources of the tagger's slots, in slot order: targets, then context rules.
    static func slotSources(targets: [TargetRule], contextRules: [ContextRule]) -> [String] {
        targets.map(\.pattern.source) + contextRules.map(\.trigger.source)
    }

    /// A trigger found in a sentence (normalised byte offsets) and its pattern slot.
    struct Trigger {
        var slot: Int
        var range: Range<Int>
    }

    /// All findings in a segmented report, in text order, with diagnostics for rules that hit PCRE2 limits.
    public func tag(_ report: SegmentedDocument, matchData: MatchData) -> (findings: [Finding], diagnostics: [Diagnostic]) {
        var findings: [Finding] = []
        var diagnostics: [Diagnostic] = []
        let utf8 = report.document.text.utf8
        let rules = self.rules
        var found: [Bool] = Array(repeating: false, count: rules.scanner?.literalCount ?? 0)
        var hits: [Int32] = []
        // Target slots to run on this sentence; candidate alternatives, and the last sentence each was added for.
        var candidates: [Int32] = []
        var branches: [Int32] = []
        var addedFor = [Int](repeating: -1, count: rules.scanner == nil ? 0 : rules.prefilter.branchSlot.count)
        for (sentenceIndex, sentence) in report.sentences.enumerated() {
            let normalized = NormalizedText(utf8, range: sentence.range)
            normalized.bytes.withUnsafeBufferPointer { subject in
                var limitHit: (String, MatchError)? = nil
                if let scanner = rules.scanner {
                    // Clear only the literals the last sentence set.
                    for id in hits { found[Int(id)] = false }
                    hits.removeAll(keepingCapacity: true)
                    scanner.scan(subject, into: &found, hits: &hits)
                    // Candidate alternatives, in slot order; a slot runs when the rest of one of them holds.
                    branches.removeAll(keepingCapacity: true)
                    rules.prefilter.branchesByLiteral.withUnsafeBufferPointer { byLiteral in
                        rules.prefilter.branchByLiteralStart.withUnsafeBufferPointer { starts in
                            for id in hits {
                                for index in Int(starts[Int(id)])..<Int(starts[Int(id) + 1]) where addedFor[Int(byLiteral[index])] != sentenceIndex {
                                    addedFor[Int(byLiteral[index])] = sentenceIndex
                                    branches.append(byLiteral[index])
                                }
                            }
                        }
                    }
                    branches.sort()
                    candidates.removeAll(keepingCapacity: true)
                    var unconditional = rules.prefilter.unconditionalTargets[...]
                    for branch in branches {
                        let slot = rules.prefilter.branchSlot[Int(branch)]
                        if candidates.last == slot || !rules.prefilter.restHolds(Int(branch), found: found) { continue }
                        // Rules run in lexicon order: the first rule to claim a stretch of text keeps it.
                        while let next = unconditional.first, next < slot { candidates.append(next); unconditional.removeFirst() }
                        candidates.append(slot)
                    }
                    candidates += unconditional
                }
                // `proven`: the prefilter already found one of the slot's alternatives possible.
                func matches(_ slot: Int, proven: Bool) -> [Range<Int>] {
                    guard proven || rules.prefilter.canMatch(slot, found: found) else { return [] }
                    do {
                        return try rules.patterns[slot].allMatches(in: subject, using: matchData, subjectIsValidUTF8: true)
                    } catch {
                        if limitHit == nil { limitHit = (rules.ids[slot], error) }
                        return []
                    }
                }
                var targets: [(slot: Int, range: Range<Int>)] = []
                func run(_ slot: Int) {
                    for range in matches(slot, proven: rules.scanner != nil) where !range.isEmpty {
                        // One finding per factor per stretch of text: the first rule to claim it keeps it.
                        let factor = rules.factors[slot]
                        if targets.contains(where: { rules.factors[$0.slot] == factor && $0.range.overlaps(range) }) { continue }
                        targets.append((slot, range))
                    }
                }
                if rules.scanner != nil {
                    for slot in candidates { run(Int(slot)) }
                } else {
                    for slot in 0..<rules.targetCount { run(slot) }
                }
                if !targets.isEmpty {
                    let section = report.sections[sentence.sectionIndex]
                    let triggers = findTriggers { matches($0, proven: false) }
                    let words = WordIndex(subject)
                    for target in targets.sorted(by: { ($0.range.lowerBound, rules.factors[$0.slot]) < ($1.range.lowerBound, rules.factors[$1.slot]) }) {
                        let mods = modifiersFor(target.range, triggers: triggers, words: words, normalized: normalized,
                                                text: report.document.text, section: section)
                        let span = normalized.originalRange(target.range)
                        findings.append(Finding(
                            reportID: report.document.id, factor: rules.factors[target.slot], ruleID: rules.ids[target.slot],
                            sectionIndex: sentence.sectionIndex, section: section.category, sentenceIndex: sentenceIndex,
                            sentence: report.text(sentence.range), sentenceSpan: sentence.range, span: span,
                            matchedText: report.text(span), modifiers: mods, verdict: Tagger.verdict(for: mods)))
                    }
                }
                if let (ruleID, error) = limitHit {
                    let (line, column) = report.document.text.lineAndColumn(ofUTF8Offset: sentence.range.start)
                    diagnostics.append(Diagnostic(.warning, file: report.document.source, line: line, column: column, code: "regex-limit",
                                                  "report \(report.document.id): rule \(ruleID) stopped on a PCRE2 limit (\(error.message)); sentence \(sentenceIndex + 1) only partly tagged"))
                }
            }
        }
        return (findings, diagnostics)
    }

    private func findTriggers(_ matches: (Int) -> [Range<Int>]) -> (modifiers: [Trigger], terminators: [Range<Int>]) {
        var blocked: [Range<Int>] = []
        for slot in rules.pseudoSlots { blocked += matches(slot) }
        var found: [Trigger] = []
        for slot in rules.modifierSlots {
            for range in matches(slot) where !range.isEmpty && !blocked.contains(where: { $0.overlaps(range) }) {
                found.append(Trigger(slot: slot, range: range))
            }
        }
        var ends: [Range<Int>] = []
        for slot in rules.terminatorSlots {
            for range in matches(slot) where !range.isEmpty && !blocked.contains(where: { $0.overlaps(range) }) {
                ends.append(range)
            }
        }
        return (found, ends)
    }

    private func modifiersFor(_ target: Range<Int>, triggers: (modifiers: [Trigger], terminators: [Range<Int>]), words: WordIndex,
                              normalized: NormalizedText, text: String, section: Section) -> [Modifier] {
        var result: [Modifier] = []
        for trigger in triggers.modifiers {
            // A trigger inside the target is part of what the target says ("no senior review").
            if trigger.range.overlaps(target) { continue }
            let forwardOK: Bool = {
                guard target.lowerBound >= trigger.range.upperBound else { return false }
                var end = triggers.terminators.filter { $0.lowerBound >= trigger.range.upperBound }.map(\.lowerBound).min() ?? Int.max
                if let scope = rules.context[trigger.slot - rules.targetCount].scope { end = min(end, words.offset(afterWords: scope, from: trigger.range.upperBound)) }
                return target.lowerBound < end
            }()
            let backwardOK: Bool = {
                guard target.upperBound <= trigger.range.lowerBound else { return false }
                var start = triggers.terminators.filter { $0.upperBound <= trigger.range.lowerBound }.map(\.upperBound).max() ?? 0
                if let scope = rules.context[trigger.slot - rules.targetCount].scope { start = max(start, words.offset(beforeWords: scope, from: trigger.range.lowerBound)) }
                return target.upperBound > start
            }()
            let applies: Bool
            switch rules.context[trigger.slot - rules.targetCount].direction {
            case .forward: applies = forwardOK
            case .backward: applies = backwardOK
            case .bidirectional: applies = forwardOK || backwardOK
            case .terminate, .pseudo: applies = false
            }
            guard applies, let category = rules.context[trigger.slot - rules.targetCount].category else { continue }
            let span = normalized.originalRange(trigger.range)
            let modifier = Modifier(category: category, ruleID: rules.ids[trigger.slot], trigger: text.utf8Slice(span), span: span)
            if !result.contains(where: { $0.category == category && $0.ruleID == modifier.ruleID }) { result.append(modifier) }
        }
        if section.role != .finding, !result.contains(where: { $0.category == .finding }) {
            let category: ContextCategory = switch section.role {
            case .recommendation: .recommendation
            case .goodPractice: .goodPractice
            case .hypothetical: .hypothetical
            case .negated: .negated
            case .finding: .finding
            }
            result.append(Modifier(category: category, ruleID: section.ruleID ?? "section", trigger: section.title, span: nil))
        }
        return result
    }

    /// Negation wins over hypothetical, over good practice, over recommendation. A `finding` modifier
    /// ("because the CTG was not escalated, ...") lifts only the verdict a section gave (a Recommendations
    /// section): a recommendation trigger that governs the match itself ("staff should ensure ...") stands.
    static func verdict(for modifiers: [Modifier]) -> Verdict {
        let categories = Set(modifiers.map(\.category))
        if categories.contains(.negated) { return .negated }
        if categories.contains(.hypothetical) { return .hypothetical }
        if categories.contains(.goodPractice) { return .goodPractice }
        if modifiers.contains(where: { $0.category == .recommendation && $0.span != nil }) { return .recommendation }
        if categories.contains(.recommendation), !categories.contains(.finding) { return .recommendation }
        return .counted
    }
}

/// Word positions in a normalised sentence, for scopes counted in words.
struct WordIndex {
    /// Start offsets of words (runs of non-space bytes).
    private var starts: [Int] = []
    private var count: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        count = bytes.count
        var inWord = false
        for (index, byte) in bytes.enumerated() {
            if byte == 0x20 { inWord = false } else if !inWord { inWord = true; starts.append(index) }
        }
    }

    /// The offset `n` words after `offset` (end of the n-th word following it).
    func offset(afterWords n: Int, from offset: Int) -> Int {
        let following = starts.firstIndex { $0 >= offset } ?? starts.count
        let index = following + n
        return index < starts.count ? starts[index] : count
    }

    /// The offset `n` words before `offset`.
    func offset(beforeWords n: Int, from offset: Int) -> Int {
        let preceding = (starts.lastIndex { $0 < offset } ?? -1)
        let index = preceding - n + 1
        return index >= 0 && index < starts.count ? starts[index] : 0
    }
}

extension String {
    /// 1-based line and column (in characters) of a UTF-8 offset.
    func lineAndColumn(ofUTF8Offset offset: Int) -> (Int, Int) {
        var line = 1
        var column = 1
        for (index, byte) in utf8.enumerated() {
            if index >= offset { break }
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }
}
