import Hummingbird
import LessonKit
import Logging
import NIOConcurrencyHelpers
import Solution04
import Testing

/// Exercise 4: the learner's own tests, run against the lesson's server, where they must pass, and
/// against broken servers, each of which at least one of them must catch.
@Suite("Exercise 4: your tests", .serialized)
struct YourTestsTests {
    let answers = Lesson04Answers.checked

    /// How long one of your tests may take before it is taken to be waiting for something that never
    /// comes.
    static let timeLimit = Duration.seconds(15)

    /// The lesson's server, as the reference builds it.
    static func referenceServer() throws -> any ApplicationProtocol {
        try Solution04.buildContainedServer(
            rateLimit: .standard,
            logger: Logger(label: "lesson04") { _ in SwiftLogNoOpLogHandler() },
            configuration: ApplicationConfiguration()
        )
    }

    @Test("Your tests pass against the lesson's server")
    func passAgainstTheReference() async throws {
        for test in answers.yourTests {
            try await withTimeLimit(test.name) { try await test.run(try Self.referenceServer()) }
        }
    }

    @Test("Your tests catch a broken server", arguments: Flaw.allCases)
    func catchBrokenServer(_ flaw: Flaw) async throws {
        // A test that cannot pass against the lesson's server proves nothing by failing elsewhere.
        let reference = try await outcome { try await self.runAll(against: Self.referenceServer) }
        if let notDone = reference.notDoneYet { throw notDone }
        guard !reference.failed else {
            Issue.record("first make your tests pass against the lesson's server (see the check above)")
            return
        }
        let broken = try await outcome { try await self.runAll { buildFlawedServer(flaw) } }
        if !broken.failed {
            Issue.record("none of your tests failed against a server that \(flaw.testDescription)")
        }
    }

    func runAll(against server: @escaping @Sendable () throws -> any ApplicationProtocol) async throws {
        for test in answers.yourTests {
            try await withTimeLimit(test.name) { try await test.run(try server()) }
        }
    }

    /// What running `body` recorded, kept out of this test's own result.
    struct Outcome {
        var failed = false
        var notDoneYet: NotDoneYet?
    }

    func outcome(_ body: @Sendable () async throws -> Void) async throws -> Outcome {
        let recorded = NIOLockedValueBox(Outcome())
        try await withKnownIssue(isIntermittent: true) {
            try await body()
        } matching: { issue in
            recorded.withLockedValue { outcome in
                outcome.failed = true
                if let notDone = issue.error as? NotDoneYet { outcome.notDoneYet = notDone }
            }
            return true
        }
        return recorded.withLockedValue { $0 }
    }

    /// Runs one of the learner's tests, failing it if it takes longer than ``timeLimit``.
    ///
    /// The test runs in a task of its own, cancelled when time is up but not waited for: a test that
    /// waits for a reply that never comes may not heed cancellation (a WebSocket client closing
    /// politely waits for the server's close), and this check must end all the same.
    func withTimeLimit(_ name: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let outcome = AsyncStream.makeStream(of: Result<Void, any Error>.self, bufferingPolicy: .bufferingOldest(1))
        let test = Task {
            do {
                try await body()
                outcome.continuation.yield(.success(()))
            } catch {
                outcome.continuation.yield(.failure(error))
            }
        }
        let clock = Task {
            try await Task.sleep(for: Self.timeLimit)
            outcome.continuation.yield(.failure(TookTooLong(name: name)))
        }
        var first = outcome.stream.makeAsyncIterator()
        let result = await first.next() ?? .failure(CancellationError())
        test.cancel()
        clock.cancel()
        try result.get()
    }

    struct TookTooLong: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(name) took longer than \(YourTestsTests.timeLimit): is it waiting for a message that never comes?" }
    }
}
