import CourseKit
import Testing

@Suite("Reading swift test's output")
struct TestReportTests {
    let root = CourseRoot(path: "/course")

    // Lines as Swift Testing 6.3 prints them.
    let untouchedRun = """
        ◇ Test run started.
        ✘ Test "The RFC's own example key gives the RFC's accept value" recorded an issue at AcceptValueTests.swift:8:6: Caught error: not done yet: compute Sec-WebSocket-Accept
        ✘ Test "The RFC's own example key gives the RFC's accept value" failed after 0.003 seconds with 1 issue.
        ✘ Suite "Exercise 1: Sec-WebSocket-Accept" failed after 0.004 seconds with 3 issues.
        ✔ Test "Bad handshakes are refused with the right status" with 13 test cases passed after 0.003 seconds.
        ✔ Suite "Exercise 2: the upgrade decision" passed after 0.004 seconds.
        ✘ Test run with 2 tests in 2 suites failed after 0.005 seconds with 1 issue.
        """

    @Test("Tests, their issues and failing suites are read from the output")
    func readsOutcomes() {
        let report = TestReport(output: untouchedRun, root: root)
        #expect(report.tests.count == 2)
        #expect(report.failures.map(\.name) == ["The RFC's own example key gives the RFC's accept value"])
        #expect(report.failures.first?.issues.map(\.description) == ["not done yet: compute Sec-WebSocket-Accept"])
        #expect(report.firstFailingExercise == 1)
        #expect(!report.passed)
    }

    @Test("A test that passed with expected known issues counts as passed; a known issue is not a failure")
    func knownIssues() {
        let output = """
            ━ Test "Your tests catch a broken server" recorded a known issue with 1 argument flaw → answers malformed JSON with unknown_type at ServerTests.swift:20:13: Expectation failed
            ━ Test "Your tests catch a broken server" with 5 test cases passed after 0.194 seconds with 6 known issues.
            ━ Suite "Exercise 4: your tests" passed after 0.298 seconds with 6 known issues.
            """
        let report = TestReport(output: output, root: root)
        #expect(report.tests.map(\.name) == ["Your tests catch a broken server"])
        #expect(report.tests.first?.issues.isEmpty == true)
        #expect(report.suites.map(\.name) == ["Exercise 4: your tests"])
        #expect(report.suites.allSatisfy { $0.passed })
        #expect(report.passed)
    }

    @Test("An expectation's comment, on the line after its issue, comes first in the issue's message")
    func readsComments() {
        let output = """
            ✘ Test "A retry is accepted" recorded an issue at TokenBucketTests.swift:27:9: Expectation failed: (wait → 0.234 seconds) == (.milliseconds(235) → 0.235 seconds)
            ↳ rounded up to the millisecond
            ✘ Test "A retry is accepted" recorded an issue at TokenBucketTests.swift:30:9: Issue recorded
            ↳ an empty bucket must refuse
            ✘ Test "A retry is accepted" failed after 0.005 seconds with 2 issues.
            ✘ Suite "Exercise 2: the token bucket" failed after 0.004 seconds with 2 issues.
            ↳ /// Exercise 2: the token bucket, driven by a clock the tests hold.
            """
        let report = TestReport(output: output, root: root)
        #expect(
            report.failures.first?.issues.map(\.message) == [
                "rounded up to the millisecond (Expectation failed: (wait → 0.234 seconds) == (.milliseconds(235) → 0.235 seconds))",
                "an empty bucket must refuse",
            ]
        )
    }

    @Test("Compiler errors are read with paths relative to the course")
    func readsCompilerErrors() {
        let output = """
            /course/exercises/01-handshake/AcceptValue.swift:12:5: error: cannot find 'digest' in scope
            /course/exercises/01-handshake/AcceptValue.swift:12:5: error: cannot find 'digest' in scope
            error: fatalError
            """
        let report = TestReport(output: output, root: root)
        #expect(report.compilerErrors.map(\.description) == ["exercises/01-handshake/AcceptValue.swift:12: cannot find 'digest' in scope"])
        #expect(!report.passed)
    }

    @Test("A test's line that follows a fragment of build output on the same line is still read")
    func interleavedOutput() {
        let output = """
            [3/4] Linking Lesson01Tests✘ Test "The RFC's example" recorded an issue at AcceptValueTests.swift:8:6: Caught error: not done yet: x
            Compiling✘ Test "The RFC's example" failed after 0.003 seconds with 1 issue.
            \r✘ Suite "Exercise 1: Sec-WebSocket-Accept" failed after 0.004 seconds with 1 issue.
            """
        let report = TestReport(output: output, root: root)
        #expect(report.failures.first?.issues.map(\.description) == ["not done yet: x"])
        #expect(report.firstFailingExercise == 1)
    }

    @Test("A run where no test ran does not pass")
    func emptyRunFails() {
        #expect(!TestReport(output: "Build complete!", root: root).passed)
    }

    @Test("A parameterized test's issues keep their arguments, and a message repeated for every argument is shown once")
    func readsParameterizedIssues() throws {
        let output = """
            ✘ Test "Bad handshakes are refused" recorded an issue with 1 argument handshake → a POST at DecideUpgradeTests.swift:14:6: Caught error: not done yet: decide
            ✘ Test "Bad handshakes are refused" recorded an issue with 1 argument handshake → no key at DecideUpgradeTests.swift:14:6: Caught error: not done yet: decide
            ✘ Test "Bad handshakes are refused" recorded an issue with 2 arguments key → "x", accept → "y" at DecideUpgradeTests.swift:20:9: Expectation failed: 1 == 2
            ✘ Test "Bad handshakes are refused" with 3 test cases failed after 0.002 seconds with 3 issues.
            """
        let test = try #require(TestReport(output: output, root: root).failures.first)
        #expect(test.issues.count == 3)
        #expect(
            test.distinctIssues.map(\.description) == [
                "with handshake → a POST: not done yet: decide",
                "with key → \"x\", accept → \"y\": Expectation failed: 1 == 2",
            ]
        )
    }

    @Test("The first failure shown is one of the earliest failing exercise, whichever finished first")
    func firstFailureFollowsExercises() {
        let output = """
            ✘ Test "Bad handshakes are refused" failed after 0.002 seconds with 1 issue.
            ✘ Test "The RFC's example" failed after 0.003 seconds with 1 issue.
            ✘ Test "Other keys" failed after 0.003 seconds with 1 issue.
            """
        let exercises = ExerciseMap(sources: [
            """
            @Suite("Exercise 2: the upgrade decision")
            struct DecideUpgradeTests {
                @Test("Bad handshakes are refused", arguments: HandshakeCase.refused)
                func refused(handshake: HandshakeCase) throws {}
            }
            """,
            """
            @Suite("Exercise 1: Sec-WebSocket-Accept")
            struct AcceptValueTests {
                @Test("The RFC's example")
                func rfcExample() throws {}

                @Test(
                    "Other keys",
                    arguments: [("a", "b")]
                )
                func otherKeys(key: String, accept: String) throws {}
            }
            """,
        ])
        #expect(exercises.exercise(of: "Other keys") == 1)
        #expect(TestReport(output: output, root: root).firstFailure(by: exercises)?.name == "The RFC's example")
    }
}
