import Foundation

/// Runs one lesson's suite with `swift test` against the exercise or the solution.
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
        var environment = ProcessInfo.processInfo.environment
        environment[CheckTarget.environmentVariable] = target.rawValue
        let output = try run(["swift", "test", "--filter", "\(lesson.suite)\\."], environment: environment)
        return (TestReport(output: output, root: root), output)
    }

    /// Runs a command in the course root and returns everything it printed.
    private func run(_ arguments: [String], environment: [String: String]) throws -> String {
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
        return String(decoding: data, as: UTF8.self)
    }
}
