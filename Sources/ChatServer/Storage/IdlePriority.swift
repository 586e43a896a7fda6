#if canImport(Glibc)
    import Glibc
#endif

/// Runs `work` on the calling thread at Linux's idle scheduling class (`SCHED_IDLE`), then puts the
/// thread's own class back: a thread of a shared pool must not stay idle for the next work it runs.
///
/// An idle thread gets the CPU only when no other thread of the core wants it, and gives it up the
/// moment one wakes (sched(7)). The checkpoint runs so: at the normal class the scheduler gave its
/// 7–9 ms passes the core in slices of up to 3.6 ms, and the event loops beside it waited that long
/// to deliver (`perf sched timehist`, docs/performance.md). Elsewhere than Linux `work` just runs.
func withIdlePriority<Value>(_ work: () throws -> Value) rethrows -> Value {
    #if os(Linux)
        let policy = sched_getscheduler(0)
        var parameters = sched_param()
        let saved = policy >= 0 && sched_getparam(0, &parameters) == 0
        var idle = sched_param(sched_priority: 0)
        let lowered = saved && sched_setscheduler(0, schedIdle, &idle) == 0
        defer { if lowered { _ = sched_setscheduler(0, policy, &parameters) } }
    #endif
    return try work()
}

#if os(Linux)
    /// `SCHED_IDLE` of sched.h, which Glibc's module does not export (it is defined under `_GNU_SOURCE`).
    private let schedIdle: Int32 = 5
#endif
