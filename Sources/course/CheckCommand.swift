import ArgumentParser
import CourseKit
import Foundation

/// `course check N`: run lesson N's suite against the learner's exercise (or the solution) and say
/// plainly what passed, what failed first, and what to do.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check your exercise for a lesson (or, with --solution, the reference)."
    )

    @Argument(help: "The lesson's number.")
    var lesson: Int

    @Flag(help: "Check the reference solution instead of your exercise.")
    var solution = false

    @Flag(help: "Print the whole output of swift test as well.")
    var verbose = false

    func run() throws {
        var context = try CourseContext()
        let lesson = try context.catalog.lesson(self.lesson)
        let passed = try context.check(lesson, against: solution ? .solution : .exercise, verbose: verbose)
        if !passed { throw ExitCode.failure }
    }
}

extension CourseContext {
    /// Checks a lesson, prints the verdict and, for the learner's exercise, records the outcome.
    ///
    /// - Returns: whether every check passed.
    mutating func check(_ lesson: Lesson, against target: CheckTarget, verbose: Bool = false) throws -> Bool {
        let whose = target == .solution ? "the reference solution" : "your exercise"
        print(style.dim("Checking lesson \(lesson.number) (\(lesson.title)) against \(whose)…"))
        let (report, output) = try CheckRunner(root: root).check(lesson, against: target)
        if verbose { print(output) }

        let exercises = ExerciseMap(lesson: lesson, root: root)
        print(CheckVerdict(report: report, exercises: exercises, lesson: lesson, target: target, style: style).text)
        if target == .exercise {
            progress.update(lesson.number) { record in
                record.status = report.passed ? .done : .inProgress
                record.failingExercise = report.passed ? nil : report.firstFailingExercise
                record.exerciseResults = Dictionary(uniqueKeysWithValues: report.exerciseResults.map { (String($0.key), $0.value) })
            }
            try save()
        }
        return report.passed
    }
}

/// The verdict of a check, in words: compiler errors first, then the first failing test.
struct CheckVerdict {
    let report: TestReport
    let exercises: ExerciseMap
    let lesson: Lesson
    let target: CheckTarget
    let style: TerminalStyle

    /// How many compiler errors to show; the first is usually the one to fix.
    static let shownErrors = 5

    var text: String {
        if !report.compilerErrors.isEmpty { return compileFailure }
        if report.tests.isEmpty {
            return style.red("✘ No check ran.") + " Run again with --verbose to see what swift test printed."
        }
        let passing = report.tests.count - report.failures.count
        guard let first = report.firstFailure(by: exercises) else {
            if target == .solution {
                return style.green("✔ The reference solution passes all \(report.tests.count) checks.")
            }
            return [
                style.green("✔ All \(report.tests.count) checks pass. Lesson \(lesson.number) is done."),
                "Try it against real clients: swift run \(lesson.executable)",
            ].joined(separator: "\n")
        }
        var lines = [
            style.red("✘ \(passing) of \(report.tests.count) checks pass."),
            "",
            "First failure: " + style.bold(first.name),
        ]
        lines += first.distinctIssues.prefix(3).map { "    \($0)" }
        lines.append("")
        if let exercise = report.firstFailingExercise {
            lines.append("Exercise \(exercise) is next, in \(lesson.exercisePath)/.")
        }
        lines.append("Stuck? swift run course hint \(lesson.number)")
        return lines.joined(separator: "\n")
    }

    private var compileFailure: String {
        // The learner's own files first: an error there is one they can fix.
        let errors =
            report.compilerErrors.filter { $0.file.hasPrefix("exercises/") } + report.compilerErrors.filter { !$0.file.hasPrefix("exercises/") }
        var lines = [style.red("✘ The code doesn't compile:")]
        lines += errors.prefix(Self.shownErrors).map { "    \($0)" }
        if errors.count > Self.shownErrors {
            lines.append(style.dim("    …and \(errors.count - Self.shownErrors) more (--verbose shows them all)"))
        }
        return lines.joined(separator: "\n")
    }
}
