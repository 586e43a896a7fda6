/// Which exercise each test of a lesson's suite checks, read from the suite's source files: a test
/// belongs to the exercise named by the `@Suite("Exercise N: …")` of its file.
///
/// Swift Testing runs tests in parallel and prints a test's name without its suite, so this is how a
/// verdict can show the first failure of the exercise that is next rather than whichever finished first.
public struct ExerciseMap: Sendable, Equatable {
    private var exerciseOfTest: [String: Int] = [:]

    /// Reads the map from the text of each source file of a suite.
    public init(sources: [String]) {
        for source in sources {
            guard let suite = Self.firstQuoted(after: "@Suite(", in: source),
                let exercise = TestReport.exerciseNumber(in: suite)
            else { continue }
            for name in Self.allQuoted(after: "@Test(", in: source) {
                exerciseOfTest[name] = exercise
            }
        }
    }

    /// Reads the map from the lesson's suite folder, `Tests/LessonNNTests/`.
    public init(lesson: Lesson, root: CourseRoot) {
        let folder = "Tests/\(lesson.suite)"
        let files = root.list(folder).filter { $0.hasSuffix(".swift") }
        self.init(sources: files.compactMap { try? root.read("\(folder)/\($0)") })
    }

    /// The exercise a test checks, by the name the test is shown with.
    public func exercise(of test: String) -> Int? {
        exerciseOfTest[test]
    }

    private static func firstQuoted(after marker: String, in source: String) -> String? {
        allQuoted(after: marker, in: source).first
    }

    /// The string literal that opens each `marker(…)`, such as the display name in `@Test("…")`.
    private static func allQuoted(after marker: String, in source: String) -> [String] {
        var names: [String] = []
        var rest = source[...]
        while let found = rest.firstRange(of: marker) {
            rest = rest[found.upperBound...]
            let afterSpace = rest.drop { $0.isWhitespace }
            guard afterSpace.first == "\"" else { continue }
            var name = ""
            var escaped = false
            for character in afterSpace.dropFirst() {
                if escaped {
                    name.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    names.append(name)
                    break
                } else {
                    name.append(character)
                }
            }
        }
        return names
    }
}
