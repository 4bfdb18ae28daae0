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

    final class Payload: Sendable {
        let bytes = [UInt8](repeating: 1, count: 1 << 16)
    }

    @Test func whatAJobCapturedIsFreedOnceItRan() {
        // A streaming run queues thousands of jobs, each holding a batch of documents: a finished job's
        // batch must not stay alive in the queue.
        let pool = OrderedWorkPool<Int>(workers: 1, capacity: 4)
        weak var watched: Payload?
        do {
            let payload = Payload()
            watched = payload
            pool.submit { payload.bytes.count }
        }
        #expect(pool.next() == 1 << 16)
        var waited = 0
        while watched != nil && waited < 200 {
            usleep(5_000)
            waited += 1
        }
        #expect(watched == nil)
        pool.close()
        #expect(pool.next() == nil)
    }

    @Test func anEmptyPoolEndsAtOnce() {
        let pool = OrderedWorkPool<Int>(workers: 2, capacity: 4)
        pool.close()
        #expect(pool.next() == nil)
    }
}
