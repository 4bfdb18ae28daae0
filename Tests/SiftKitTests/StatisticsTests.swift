import Foundation
import Testing
@testable import SiftKit

/// Reference values computed with scipy 1.17 (Python 3):
///   scipy.stats.binomtest(x, n).proportion_ci(method='wilson')  -> Wilson 95% interval
///   scipy.stats.fisher_exact([[a, b], [c, d]])[1]                -> Fisher's exact two-sided p
///   Newcombe hybrid score interval: d -/+ sqrt(...) from the two scipy Wilson intervals above
///   (Newcombe 1998, method 10), computed in Python with math.sqrt.
struct StatisticsTests {
    static let wilsonCases: [(Int, Int, Double, Double)] = [
        (5, 20, 0.1118617014, 0.4687008776),
        (0, 10, 0.0000000000, 0.2775327999),
        (10, 10, 0.7224672001, 1.0000000000),
        (1, 3, 0.0614919447, 0.7923403992),
        (7, 15, 0.2480953537, 0.6988301997),
        (3, 8, 0.1368442858, 0.6942576054),
    ]

    @Test(arguments: 0..<wilsonCases.count) func wilsonMatchesScipy(_ index: Int) throws {
        let (x, n, low, high) = StatisticsTests.wilsonCases[index]
        let interval = try #require(Statistics.wilson(x, n))
        #expect(abs(interval.lower - low) < 1e-9, "\(x)/\(n) lower \(interval.lower)")
        #expect(abs(interval.upper - high) < 1e-9, "\(x)/\(n) upper \(interval.upper)")
    }

    @Test func wilsonOfNothingIsUndefined() {
        #expect(Statistics.wilson(0, 0) == nil)
        #expect(Statistics.wilson(3, 2) == nil)
    }

    static let fisherCases: [(Int, Int, Int, Int, Double)] = [
        (8, 2, 1, 5, 0.034965034965),
        (3, 5, 6, 1, 0.118881118881),
        (0, 10, 10, 0, 1.08250882245e-05),
        (2, 7, 8, 2, 0.0230141375652),
        (1, 9, 11, 3, 0.00275945618522),
        (5, 5, 5, 5, 1),
    ]

    @Test(arguments: 0..<fisherCases.count) func fisherMatchesScipy(_ index: Int) {
        let (a, b, c, d, p) = StatisticsTests.fisherCases[index]
        let value = Statistics.fisherExactTwoSided(a, b, c, d)
        #expect(abs(value - p) <= 1e-9 * max(1, p) + 1e-12, "[[\(a),\(b)],[\(c),\(d)]] gave \(value)")
    }

    @Test func fisherWithAnEmptyMarginIsOne() {
        #expect(Statistics.fisherExactTwoSided(0, 0, 3, 4) == 1)
        #expect(Statistics.fisherExactTwoSided(0, 5, 0, 4) == 1)
    }

    @Test func newcombeDifferenceMatchesReference() throws {
        let a = try #require(Statistics.newcombeDifference(7, 15, 3, 8))
        #expect(abs(a.lower - -0.2952426735) < 1e-9 && abs(a.upper - 0.4242595864) < 1e-9)
        let b = try #require(Statistics.newcombeDifference(5, 20, 10, 20))
        #expect(abs(b.lower - -0.4936462170) < 1e-9 && abs(b.upper - 0.0468355831) < 1e-9)
    }

    @Test func runChartShiftSkipsPointsOnTheMedian() throws {
        // Median 3. Indices 0-3 and 5-6 are above (index 4 is on the median: neither breaks nor counts): 6 points.
        let chart = try #require(RunChart([5, 6, 5, 7, 3, 6, 5, 1, 2, 1, 2, 1, 3, 3]))
        #expect(chart.median == 3)
        #expect(chart.shifts == [Signal(rule: "shift", first: 0, last: 6)])
        // Five below are not enough.
        let short = try #require(RunChart([5, 5, 5, 5, 5, 1, 1, 1, 1, 1, 3]))
        #expect(short.shifts.isEmpty)
    }

    @Test func runChartTrendIgnoresRepeatedValues() throws {
        // 1, 2, 2, 3, 4, 5: five distinct rising points (the repeated 2 counts once).
        let chart = try #require(RunChart([1, 2, 2, 3, 4, 5, 3, 3, 3]))
        #expect(chart.trends == [Signal(rule: "trend", first: 0, last: 5)])
        let four = try #require(RunChart([4, 3, 2, 1, 5, 5, 6]))
        #expect(four.trends.isEmpty, "four falling points are not a trend")
        let falling = try #require(RunChart([9, 8, 7, 6, 5, 9]))
        #expect(falling.trends == [Signal(rule: "trend", first: 0, last: 4)])
    }

    @Test func runChartDoesNotApplyTheShiftRuleToRareEvents() throws {
        let chart = try #require(RunChart([0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0]))
        #expect(chart.median == 0)
        #expect(!chart.shiftRuleApplies)
        #expect(chart.shifts.isEmpty)
    }

    @Test func xmrLimitsAndSignals() throws {
        // Mean 5, moving ranges all 1 except the jump: limits are mean +/- 2.66 x mean moving range.
        let values: [Double] = [5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 14]
        let chart = try #require(XmRChart(values))
        let mean = values.reduce(0, +) / 20
        let mr = (18.0 * 1 + 9) / 19
        #expect(abs(chart.mean - mean) < 1e-12)
        #expect(abs(chart.meanMovingRange - mr) < 1e-12)
        #expect(abs(chart.upperLimit - (mean + 2.66 * mr)) < 1e-12)
        #expect(abs(chart.lowerLimit - (mean - 2.66 * mr)) < 1e-12)
        #expect(chart.signals.contains(Signal(rule: "outside_limits", first: 19, last: 19)))

        // A run of 7 above the mean and a trend of 6 rising points.
        let shifted = try #require(XmRChart([1, 2, 1, 2, 1, 2, 1, 5, 6, 5, 6, 5, 6, 5, 2, 1, 2, 3, 4, 5, 6, 7]))
        #expect(shifted.signals.contains { $0.rule == "shift" && $0.first == 7 && $0.last == 13 })
        #expect(shifted.signals.contains { $0.rule == "trend" && $0.first == 15 && $0.last == 21 })
        let flat = try #require(XmRChart(Array(repeating: 3, count: 20)))
        #expect(flat.signals.isEmpty)
    }

    @Test func datePeriodsParseStrictly() {
        #expect(DatePeriod(parsing: "2024-01-01..2024-06-30") == DatePeriod(from: "2024-01-01", to: "2024-06-30"))
        #expect(DatePeriod(parsing: "2024-06-30..2024-01-01") == nil)
        #expect(DatePeriod(parsing: "2024-1-01..2024-06-30") == nil)
        #expect(DatePeriod(parsing: "2024-01-01") == nil)
    }

    @Test func suppressionShowsSmallCountsAsARange() {
        let shared = Disclosure(share: true, threshold: 8)
        #expect(shared.display(0) == "0")
        #expect(shared.display(1) == "1-7")
        #expect(shared.display(7) == "1-7")
        #expect(shared.display(8) == "8")
        #expect(Disclosure(share: false).display(3) == "3")
    }
}
