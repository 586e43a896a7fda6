import Foundation
import Testing

/// Runs a suite's tests on threads of their own, not on the few threads Swift's tasks share.
///
/// For tests that block or compute for long: the course engine's, which read and write files and wait
/// for `git` and the built executables, and property tests that run thousands of cases. A test holds
/// the thread it runs on for as long as that takes, and on two cores Swift runs every test's tasks on
/// two threads: two such tests at once stalled every other test for seconds, long enough for a
/// WebSocket client to miss its pong. Under this trait each piece of a test's work runs on a new
/// thread, which holds up no one else's, and the kernel shares the cores among them all.
public struct OnThreadsOfTheirOwn: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(ThreadPerJob.shared) { try await function() }
    }
}

extension Trait where Self == OnThreadsOfTheirOwn {
    /// Runs the tests on threads of their own (see ``OnThreadsOfTheirOwn``).
    public static var onThreadsOfTheirOwn: Self { Self() }
}

/// An executor that runs each job on a new thread: none waits for another's blocking call.
final class ThreadPerJob: TaskExecutor {
    static let shared = ThreadPerJob()

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        Thread.detachNewThread { job.runSynchronously(on: executor) }
    }
}
