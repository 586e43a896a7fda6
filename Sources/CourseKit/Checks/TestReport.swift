/// What a run of a lesson's suite showed: compiler errors, or each test's outcome and issues.
///
/// Read from `swift test`'s output, which is the one interface both the build and Swift Testing share.
public struct TestReport: Sendable, Equatable {
    /// A compiler error, located in a file.
    public struct CompilerError: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    /// One test and what it recorded.
    public struct TestOutcome: Sendable, Equatable {
        public let name: String
        public var passed: Bool
        public var issues: [Issue]

        /// The issues with the same message once each: a parameterized test that fails for every
        /// argument says the same thing many times.
        public var distinctIssues: [Issue] {
            var seen = Set<String>()
            return issues.filter { seen.insert($0.message).inserted }
        }
    }

    /// What a test recorded: the message, and for a parameterized test the arguments it failed with.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public let arguments: String?
        public internal(set) var message: String
        public var description: String { arguments.map { "with \($0): \(message)" } ?? message }
    }

    /// One suite and whether it passed.
    public struct SuiteOutcome: Sendable, Equatable {
        public let name: String
        public let passed: Bool
    }

    public var compilerErrors: [CompilerError] = []
    public var tests: [TestOutcome] = []
    public var suites: [SuiteOutcome] = []

    /// Whether the suite built and every test passed; a run with no test never passes.
    public var passed: Bool {
        compilerErrors.isEmpty && !tests.isEmpty && tests.allSatisfy(\.passed)
    }

    /// The tests that failed, in the order they finished.
    public var failures: [TestOutcome] { tests.filter { !$0.passed } }

    /// The failure to show first: one of the earliest exercise that fails, since the learner works
    /// through exercises in order; among those, the one that finished first.
    ///
    /// - Parameter exercises: which exercise each test checks.
    public func firstFailure(by exercises: ExerciseMap) -> TestOutcome? {
        failures.min { (exercises.exercise(of: $0.name) ?? .max) < (exercises.exercise(of: $1.name) ?? .max) }
    }

    /// The number of the first exercise with a failing suite, read from suite names such as
    /// "Exercise 2: the upgrade decision".
    public var firstFailingExercise: Int? {
        suites.filter { !$0.passed }.compactMap { Self.exerciseNumber(in: $0.name) }.min()
    }

    /// Whether each exercise's suites all passed, by exercise number; none when the code didn't compile.
    public var exerciseResults: [Int: Bool] {
        guard compilerErrors.isEmpty else { return [:] }
        var results: [Int: Bool] = [:]
        for suite in suites {
            guard let exercise = Self.exerciseNumber(in: suite.name) else { continue }
            results[exercise] = (results[exercise] ?? true) && suite.passed
        }
        return results
    }

    static func exerciseNumber(in suiteName: String) -> Int? {
        guard let range = suiteName.firstRange(of: "Exercise ") else { return nil }
        return Int(suiteName[range.upperBound...].prefix { $0.isNumber })
    }
}

extension TestReport {
    /// Reads the report from the combined output of `swift test`.
    ///
    /// - Parameters:
    ///   - output: what `swift test` printed, standard output and standard error together.
    ///   - root: the course root, to show paths relative to it.
    public init(output: String, root: CourseRoot) {
        // The test whose issue was read last, for the comment line that may follow it.
        var lastIssueOf: String?
        for rawLine in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let fullLine = rawLine.withoutTerminalEscapes  // in case the tools coloured it
            // Build output and test output share the pipe: a test's line may follow a fragment of another.
            let line = Self.markers.compactMap { fullLine.firstRange(of: $0)?.lowerBound }.min().map { String(fullLine[$0...]) } ?? fullLine
            // A comment belongs to the issue on the line just before it, and to nothing else (a suite's
            // doc comment follows the suite's line the same way).
            let commentOf = lastIssueOf
            lastIssueOf = nil
            if let error = Self.compilerError(in: fullLine, root: root) {
                if !compilerErrors.contains(error) { compilerErrors.append(error) }
            } else if line.hasPrefix("✘ Test \""), let name = Self.quotedName(in: line), line.contains("\" recorded an issue") {
                outcome(named: name) { $0.issues.append(Self.issue(in: line)) }
                lastIssueOf = name
            } else if fullLine.hasPrefix("↳ "), let name = commentOf {
                // The comment of an `#expect`, on the line after its issue: written for the learner, so it
                // comes first.
                outcome(named: name) { outcome in
                    guard let last = outcome.issues.indices.last else { return }
                    let comment = fullLine.dropFirst(2)
                    let message = outcome.issues[last].message
                    // `Issue.record("…")` says only "Issue recorded", and its words come as the comment.
                    outcome.issues[last].message = message == "Issue recorded" ? String(comment) : "\(comment) (\(message))"
                }
            } else if line.hasPrefix("✘ Test \""), let name = Self.quotedName(in: line), line.contains(" failed after ") {
                outcome(named: name) { $0.passed = false }
            } else if line.hasPrefix("✔ Test \"") || line.hasPrefix("━ Test \"") && line.contains(" passed after "),
                let name = Self.quotedName(in: line)
            {
                // "━" marks a pass whose known issues were expected: lesson 4 runs the learner's tests
                // against broken servers that way.
                outcome(named: name) { $0.passed = true }
            } else if line.hasPrefix("✔ Suite \"") || line.hasPrefix("✘ Suite \"") || line.hasPrefix("━ Suite \""),
                let name = Self.quotedName(in: line), line.contains(" passed after ") || line.contains(" failed after ")
            {
                suites.append(SuiteOutcome(name: name, passed: !line.hasPrefix("✘")))
            }
        }
    }

    /// How Swift Testing starts the lines this reads.
    private static let markers = ["✘ Test \"", "✔ Test \"", "━ Test \"", "✘ Suite \"", "✔ Suite \"", "━ Suite \""]

    private mutating func outcome(named name: String, _ change: (inout TestOutcome) -> Void) {
        if let index = tests.firstIndex(where: { $0.name == name }) {
            change(&tests[index])
        } else {
            var outcome = TestOutcome(name: name, passed: false, issues: [])
            change(&outcome)
            tests.append(outcome)
        }
    }

    /// `… recorded an issue [with 1 argument x → 1] at File.swift:8:6: [Caught error: ]message`, as
    /// Swift Testing prints it.
    private static func issue(in line: String) -> Issue {
        guard let location = line.firstMatch(of: #/(?: with \d+ arguments? (.*?))? at \S+\.swift:\d+:\d+: /#) else {
            return Issue(arguments: nil, message: line)
        }
        var message = line[location.range.upperBound...]
        // "Caught error:" adds nothing a learner needs to read.
        if message.hasPrefix("Caught error: ") { message = message.dropFirst("Caught error: ".count) }
        return Issue(arguments: location.output.1.map(String.init), message: String(message))
    }

    /// `path:line:column: error: message`, as swiftc prints it.
    private static func compilerError(in line: String, root: CourseRoot) -> CompilerError? {
        guard let marker = line.firstRange(of: ": error: ") else { return nil }
        let location = line[..<marker.lowerBound].split(separator: ":")
        guard location.count >= 3, let lineNumber = Int(location[1]) else { return nil }
        return CompilerError(file: root.relative(String(location[0])), line: lineNumber, message: String(line[marker.upperBound...]))
    }

    /// The first double-quoted text in a line.
    private static func quotedName(in line: String) -> String? {
        guard let open = line.firstIndex(of: "\"") else { return nil }
        let rest = line[line.index(after: open)...]
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<close])
    }
}
