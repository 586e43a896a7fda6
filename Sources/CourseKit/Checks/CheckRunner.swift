import Foundation

/// Runs one lesson's suite against the exercise or the solution.
///
/// It builds with `swift build --build-tests` and then runs the suite straight from the test bundle,
/// rather than through `swift test`: `swift test` keeps a build plan of its own, and alternating it
/// with the `swift run course` that started the check made SwiftPM plan the whole package again each
/// time, about 5 of the 11 seconds a check took. `swift build` shares `swift run`'s plan.
public struct CheckRunner: Sendable {
    let root: CourseRoot

    public init(root: CourseRoot) {
        self.root = root
    }

    /// Builds what the suite needs and runs it.
    ///
    /// - Parameters:
    ///   - lesson: the lesson whose suite runs.
    ///   - target: whose answers the suite checks.
    /// - Returns: the report and the raw output, for `--verbose`.
    public func check(_ lesson: Lesson, against target: CheckTarget) throws -> (report: TestReport, output: String) {
        // The build sees the environment `swift run course` saw: SwiftPM plans the build again whenever
        // the environment differs, which took five seconds of every check.
        let build = try run(["swift", "build", "--build-tests"], environment: ProcessInfo.processInfo.environment)
        guard build.succeeded else {
            // Never run a bundle the build could not bring up to date: its verdict would be stale.
            return (TestReport(output: build.output, root: root), build.output)
        }
        var environment = ProcessInfo.processInfo.environment
        environment[CheckTarget.environmentVariable] = target.rawValue
        let filter = "\(lesson.suite)\\."
        // Where the bundle is not a plain executable (macOS wraps it), `swift test` runs it.
        let command =
            testBundle().map { [$0, "--testing-library", "swift-testing", "--filter", filter] } ?? [
                "swift", "test", "--skip-build", "--filter", filter,
            ]
        let output = build.output + (try run(command, environment: environment).output)
        return (TestReport(output: output, root: root), output)
    }

    /// The package's test bundle in the debug build folder, when it is an executable file (Linux).
    private func testBundle() -> String? {
        let folder = root.path(".build/debug")
        let bundle = root.list(".build/debug").first { $0.hasSuffix("PackageTests.xctest") }.map { "\(folder)/\($0)" }
        return bundle.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
    }

    /// Runs a command in the course root and returns everything it printed, and whether it succeeded.
    private func run(_ arguments: [String], environment: [String: String]) throws -> (output: String, succeeded: Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root.path)
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw CourseError.toolFailed("Could not run `\(arguments.joined(separator: " "))`: \(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus == 0)
    }
}
