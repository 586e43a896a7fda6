import NIOConcurrencyHelpers
import TestSupport
import Testing

@testable import ChatServer

@Suite("A connection's sends overlap their commits, within a bound")
struct SendPipelineTests {
    @Test("Past its limit a send waits for one in flight to end; drained waits for all of them")
    func pipelineIsBounded() async {
        let pipeline = SendPipeline(limit: 2)
        await pipeline.begin()
        await pipeline.begin()
        let third = NIOLockedValueBox(false)
        let drained = NIOLockedValueBox(false)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await pipeline.begin()
                third.withLockedValue { $0 = true }
                pipeline.end()
                await pipeline.drained()
                drained.withLockedValue { $0 = true }
            }
            try? await Task.sleep(for: .milliseconds(50))
            #expect(!third.withLockedValue { $0 }, "a third send waits while two are in flight")
            pipeline.end()
            #expect(await eventually { third.withLockedValue { $0 } })
            #expect(!drained.withLockedValue { $0 }, "one is still in flight")
            pipeline.end()
            await group.waitForAll()
            #expect(drained.withLockedValue { $0 })
        }
    }
}
