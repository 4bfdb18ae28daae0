import Foundation
import Testing
@testable import SiftKit

@Suite struct OrderedWorkPoolTests {
    @Test func resultsComeBackInSubmissionOrderWhateverOrderJobsFinish() {
        let pool = OrderedWorkPool<Int>(workers: 4, capacity: 8)
        let producer = Thread {
            for number in 0..<200 {
                // Later jobs often finish first: job 0 sleeps longest in every group of seven.
                pool.submit {
                    usleep(UInt32((6 - number % 7) * 200))
                    return number
                }
            }
            pool.close()
        }
        producer.start()
        var seen: [Int] = []
        while let value = pool.next() { seen.append(value) }
        #expect(seen == Array(0..<200))
    }

    @Test func submitWaitsWhileCapacityResultsAreUnconsumed() {
        let pool = OrderedWorkPool<Int>(workers: 2, capacity: 3)
        let submittedAll = NSCondition()
        nonisolated(unsafe) var submitted = 0
        let producer = Thread {
            for number in 0..<5 {
                pool.submit { number }
                submittedAll.lock(); submitted += 1; submittedAll.broadcast(); submittedAll.unlock()
            }
            pool.close()
        }
        producer.start()
        // Nothing is consumed yet: the producer must stop after three submissions.
        usleep(200_000)
        submittedAll.lock(); let before = submitted; submittedAll.unlock()
        #expect(before == 3)
        var seen: [Int] = []
        while let value = pool.next() { seen.append(value) }
        #expect(seen == [0, 1, 2, 3, 4])
        submittedAll.lock(); let after = submitted; submittedAll.unlock()
        #expect(after == 5)
    }

    @Test func anEmptyPoolEndsAtOnce() {
        let pool = OrderedWorkPool<Int>(workers: 2, capacity: 4)
        pool.close()
        #expect(pool.next() == nil)
    }
}
