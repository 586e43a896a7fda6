#if os(Linux)
    import Glibc
    import Testing

    @testable import ChatServer

    @Suite("Background work runs at the idle scheduling class, and the thread gets its own class back")
    struct IdlePriorityTests {
        /// `SCHED_IDLE` of sched.h (Glibc's module does not export it).
        let idleClass: Int32 = 5

        @Test("The work runs at SCHED_IDLE; the thread is back at its class afterwards")
        func runsIdleThenRestores() {
            let before = sched_getscheduler(0)
            let during = withIdlePriority { sched_getscheduler(0) }
            #expect(during == idleClass)
            #expect(sched_getscheduler(0) == before)
            #expect(before != idleClass)
        }

        @Test("Work that throws still gives the thread its class back")
        func restoresAfterAThrow() {
            struct Failed: Error {}
            let before = sched_getscheduler(0)
            #expect(throws: Failed.self) { try withIdlePriority { throw Failed() } }
            #expect(sched_getscheduler(0) == before)
        }
    }
#endif
