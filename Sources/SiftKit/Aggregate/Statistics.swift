import Foundation

/// The statistics behind the diagnostic summary. Pure functions on counts, tested against reference
/// values computed with scipy (see Tests/SiftKitTests/StatisticsTests.swift).
public enum Statistics {
    /// The 0.975 quantile of the standard normal distribution (95% two-sided intervals).
    public static let z95 = 1.959963984540054

    /// A proportion with its interval.
    public struct Interval: Sendable, Hashable, Codable {
        public var lower: Double
        public var upper: Double
    }

    /// Wilson score interval for `successes` out of `trials` (Wilson 1927). Nil when `trials` is 0:
    /// a proportion of nothing has no interval.
    public static func wilson(_ successes: Int, _ trials: Int, z: Double = z95) -> Interval? {
        guard trials > 0, successes >= 0, successes <= trials else { return nil }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return Interval(lower: max(0, centre - half), upper: min(1, centre + half))
    }

    /// Newcombe's hybrid score interval (method 10, Newcombe 1998) for the difference of two independent
    /// proportions, `x1/n1 - x0/n0`, built from the two Wilson intervals.
    public static func newcombeDifference(_ x1: Int, _ n1: Int, _ x0: Int, _ n0: Int, z: Double = z95) -> Interval? {
        guard let w1 = wilson(x1, n1, z: z), let w0 = wilson(x0, n0, z: z) else { return nil }
        let p1 = Double(x1) / Double(n1), p0 = Double(x0) / Double(n0), d = p1 - p0
        let lower = d - ((p1 - w1.lower) * (p1 - w1.lower) + (w0.upper - p0) * (w0.upper - p0)).squareRoot()
        let upper = d + ((w1.upper - p1) * (w1.upper - p1) + (p0 - w0.lower) * (p0 - w0.lower)).squareRoot()
        return Interval(lower: max(-1, lower), upper: min(1, upper))
    }

    /// Fisher's exact test, two-sided, for the 2 x 2 table [[a, b], [c, d]]: the sum of the probabilities
    /// (hypergeometric, margins fixed) of every table no more likely than the observed one, with the
    /// same relative tolerance as scipy.stats.fisher_exact (1e-7).
    public static func fisherExactTwoSided(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Double {
        precondition(a >= 0 && b >= 0 && c >= 0 && d >= 0, "counts must not be negative")
        let row1 = a + b, row2 = c + d, col1 = a + c, n = a + b + c + d
        if n == 0 || row1 == 0 || row2 == 0 || col1 == 0 || col1 == n { return 1 }
        let low = max(0, col1 - row2), high = min(row1, col1)
        let base = logChoose(n, col1)
        func logP(_ x: Int) -> Double { logChoose(row1, x) + logChoose(row2, col1 - x) - base }
        let observed = logP(a)
        let threshold = observed + log1p(1e-7)
        var total = 0.0
        for x in low...high {
            let value = logP(x)
            if value <= threshold { total += exp(value) }
        }
        return min(1, total)
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    /// The median of `values` (the mean of the two middle values when the count is even).
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted(), mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// A run of points that makes a signal: indices into the series, first and last inclusive.
public struct Signal: Sendable, Hashable, Codable {
    public var rule: String
    public var first: Int
    public var last: Int
}

/// Run-chart analysis (Perla, Provost & Murray 2011, BMJ Qual Saf 20:46).
///
/// - Shift: 6 or more consecutive points all above or all below the median. Points on the median
///   neither break nor count towards a shift.
/// - Trend: 5 or more consecutive points all going up or all going down. When successive points have
///   the same value, one of them is ignored: like values neither make nor break a trend.
public struct RunChart: Sendable, Hashable, Codable {
    public static let shiftLength = 6
    public static let trendLength = 5
    public var values: [Double]
    public var median: Double
    public var shifts: [Signal]
    public var trends: [Signal]
    /// False when the median equals the smallest or largest value (rare events: most months are 0). Then
    /// every point is on the median or on one side of it, a "shift" says nothing, and the rule is not applied.
    public var shiftRuleApplies: Bool

    public init?(_ values: [Double]) {
        guard let median = Statistics.median(values) else { return nil }
        self.values = values
        self.median = median
        shiftRuleApplies = values.contains { $0 < median } && values.contains { $0 > median }
        shifts = shiftRuleApplies ? RunChart.shifts(values, around: median, length: RunChart.shiftLength, rule: "shift") : []
        trends = RunChart.trends(values, length: RunChart.trendLength, rule: "trend")
    }

    /// Runs of at least `length` points on one side of `centre`; points exactly on it are skipped.
    static func shifts(_ values: [Double], around centre: Double, length: Int, rule: String) -> [Signal] {
        var signals: [Signal] = []
        var side = 0, count = 0, first = 0, last = 0
        func close() { if count >= length { signals.append(Signal(rule: rule, first: first, last: last)) } }
        for (index, value) in values.enumerated() {
            let current = value > centre ? 1 : (value < centre ? -1 : 0)
            if current == 0 { continue }
            if current == side {
                count += 1
                last = index
            } else {
                close()
                side = current; count = 1; first = index; last = index
            }
        }
        close()
        return signals
    }

    /// Runs of at least `length` points each higher (or each lower) than the one before; a point equal
    /// to its predecessor is ignored (it does not count and does not break the run).
    static func trends(_ values: [Double], length: Int, rule: String) -> [Signal] {
        var signals: [Signal] = []
        guard values.count >= 2 else { return signals }
        var direction = 0, count = 1, first = 0, previous = values[0], last = 0
        func close() { if count >= length { signals.append(Signal(rule: rule, first: first, last: last)) } }
        for index in 1..<values.count {
            let value = values[index]
            if value == previous { continue }
            let step = value > previous ? 1 : -1
            if step == direction {
                count += 1
            } else {
                close()
                // The turning point starts the new run.
                direction = step; count = 2
                first = values[..<index].lastIndex(of: previous) ?? index - 1
                // Go back to the first of a set of equal values: it is where the run starts.
                while first > 0 && values[first - 1] == previous { first -= 1 }
            }
            last = index
            previous = value
        }
        close()
        return signals
    }
}

/// An XmR (individuals and moving range) chart with the NHS England "Making Data Count" rules.
///
/// Centre line: mean. Process limits: mean +/- 2.66 x mean moving range. Rules:
/// 1. `outside_limits`: a single point outside the process limits;
/// 2. `shift`: a run of 7 or more consecutive points above or below the mean (points on the mean break it);
/// 3. `trend`: 6 or more consecutive points increasing or decreasing (equal neighbours break it);
/// 4. `two_of_three`: two out of three consecutive points beyond two sigma (sigma = mean moving range / 1.128),
///    on the same side of the mean.
public struct XmRChart: Sendable, Hashable, Codable {
    public static let minimumPoints = 20
    public var values: [Double]
    public var mean: Double
    public var meanMovingRange: Double
    public var upperLimit: Double
    /// Can be negative for counts; charts draw it at its value and note that counts cannot go below 0.
    public var lowerLimit: Double
    public var signals: [Signal]

    public init?(_ values: [Double]) {
        guard values.count >= 2 else { return nil }
        self.values = values
        mean = values.reduce(0, +) / Double(values.count)
        let ranges = zip(values.dropFirst(), values).map { abs($0 - $1) }
        meanMovingRange = ranges.reduce(0, +) / Double(ranges.count)
        upperLimit = mean + 2.66 * meanMovingRange
        lowerLimit = mean - 2.66 * meanMovingRange
        var signals: [Signal] = []
        for (index, value) in values.enumerated() where value > upperLimit || value < lowerLimit {
            signals.append(Signal(rule: "outside_limits", first: index, last: index))
        }
        // Rule 2: a point on the mean breaks the run.
        var side = 0, count = 0, first = 0
        for (index, value) in values.enumerated() {
            let current = value > mean ? 1 : (value < mean ? -1 : 0)
            if current != 0 && current == side {
                count += 1
            } else {
                if count >= 7 { signals.append(Signal(rule: "shift", first: first, last: index - 1)) }
                side = current; count = current == 0 ? 0 : 1; first = index
            }
        }
        if count >= 7 { signals.append(Signal(rule: "shift", first: first, last: values.count - 1)) }
        // Rule 3: strictly increasing or decreasing; an equal neighbour breaks the run.
        var direction = 0, run = 1, start = 0
        for index in 1..<values.count {
            let step = values[index] > values[index - 1] ? 1 : (values[index] < values[index - 1] ? -1 : 0)
            if step != 0 && step == direction {
                run += 1
            } else {
                if run >= 6 { signals.append(Signal(rule: "trend", first: start, last: index - 1)) }
                direction = step; run = step == 0 ? 1 : 2; start = step == 0 ? index : index - 1
            }
        }
        if run >= 6 { signals.append(Signal(rule: "trend", first: start, last: values.count - 1)) }
        // Rule 4: two of three beyond two sigma on the same side.
        let sigma = meanMovingRange / 1.128, centre = mean
        if sigma > 0 && values.count >= 3 {
            for end in 2..<values.count {
                let window = values[(end - 2)...end]
                let high = window.filter { $0 > centre + 2 * sigma }.count, low = window.filter { $0 < centre - 2 * sigma }.count
                if high >= 2 || low >= 2 { signals.append(Signal(rule: "two_of_three", first: end - 2, last: end)) }
            }
        }
        self.signals = signals.sorted { ($0.first, $0.last, $0.rule) < ($1.first, $1.last, $1.rule) }
    }
}
