/// The course's invariants for one lesson's exercise, as rustlings' `dev check` keeps them: the
/// untouched exercise compiles, says where to write with `// TODO`, and fails every check with a
/// "not done yet" message rather than a crash or a pass.
///
/// That every solution passes is the plain test command's job.
public struct InvariantCheck: Sendable {
    let root: CourseRoot
    let runner: CheckRunner

    public init(root: CourseRoot) {
        self.root = root
        self.runner = CheckRunner(root: root)
    }

    /// The broken invariants of a lesson; none when it keeps them all.
    public func problems(in lesson: Lesson) throws -> [String] {
        var problems: [String] = []
        let exerciseFiles = root.list(lesson.exercisePath).filter { $0.hasSuffix(".swift") }
        if exerciseFiles.isEmpty {
            problems.append("\(lesson.exercisePath) has no Swift files.")
        }
        if !root.exists(lesson.solutionPath) {
            problems.append("\(lesson.exercisePath) has no matching \(lesson.solutionPath).")
        }
        let marked = try exerciseFiles.contains { try root.read("\(lesson.exercisePath)/\($0)").contains("// TODO") }
        if !marked {
            problems.append("\(lesson.exercisePath) has no // TODO saying where the learner writes.")
        }
        problems += Self.problems(inUntouchedRun: try runner.check(lesson, against: .exercise).report)
        return problems
    }

    /// What is wrong with a run of an untouched exercise's suite.
    static func problems(inUntouchedRun report: TestReport) -> [String] {
        if !report.compilerErrors.isEmpty {
            return report.compilerErrors.map { "The untouched exercise does not compile: \($0)" }
        }
        if report.tests.isEmpty {
            return ["The suite ran no test against the untouched exercise (did it crash?)."]
        }
        return report.tests.compactMap { test in
            if test.passed { return "\"\(test.name)\" passes against the untouched exercise." }
            if test.issues.isEmpty { return "\"\(test.name)\" failed without saying why." }
            if let other = test.issues.first(where: { !$0.message.contains("not done yet") }) {
                return "\"\(test.name)\" fails with something other than \"not done yet\": \(other)"
            }
            return nil
        }
    }
}
