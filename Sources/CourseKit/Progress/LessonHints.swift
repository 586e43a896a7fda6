/// The hints of one lesson, by exercise, read from the lesson's `hints.md`.
///
/// The file has a `## Exercise N: title` heading for each exercise; under it, hints are separated by
/// lines of `---`, from a nudge to nearly the answer. They are shown one at a time.
public struct LessonHints: Sendable, Equatable {
    /// One exercise's hints.
    public struct Exercise: Sendable, Equatable {
        public let number: Int
        public let title: String
        public let hints: [String]
    }

    /// The exercises, in order.
    public let exercises: [Exercise]

    /// Parses a hints file.
    public init(markdown: String) {
        var exercises: [Exercise] = []
        var current: (number: Int, title: String, hints: [[Substring]])?

        func finish() {
            guard let current else { return }
            let hints = current.hints.map { $0.joined(separator: "\n").trimmingCharacters(in: " \n") }.filter { !$0.isEmpty }
            exercises.append(Exercise(number: current.number, title: current.title, hints: hints))
        }

        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## Exercise ") {
                finish()
                let heading = line.dropFirst("## Exercise ".count)
                let number = Int(heading.prefix { $0.isNumber }) ?? exercises.count + 1
                let title = heading.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: " ")
                current = (number, String(title), [[]])
            } else if line.trimmingCharacters(in: " ") == "---" {
                current?.hints.append([])
            } else if current != nil {
                current!.hints[current!.hints.count - 1].append(line)
            }
        }
        finish()
        self.exercises = exercises
    }

    /// The exercise with this number.
    public func exercise(_ number: Int) -> Exercise? {
        exercises.first { $0.number == number }
    }
}

extension StringProtocol {
    /// The text without the given characters at either end.
    func trimmingCharacters(in characters: String) -> String {
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text.removeFirst() }
        while let last = text.last, characters.contains(last) { text.removeLast() }
        return String(text)
    }
}
