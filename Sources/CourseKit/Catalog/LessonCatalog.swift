/// The lessons found in the course's `lessons/` folder, in order.
public struct LessonCatalog: Sendable {
    /// Every lesson, by number.
    public let lessons: [Lesson]

    /// Reads the catalog from a course root: every `lessons/NN-slug/` folder with a `README.md`.
    public init(root: CourseRoot) throws {
        lessons = try root.list("lessons").compactMap { folder in
            guard let number = Int(folder.prefix { $0.isNumber }), root.exists("lessons/\(folder)/README.md") else {
                return nil
            }
            let text = try root.read("lessons/\(folder)/README.md")
            return Lesson(number: number, folder: folder, title: Self.title(of: text) ?? folder)
        }
        .sorted { $0.number < $1.number }
    }

    /// The lesson with this number.
    ///
    /// - Throws: ``CourseError/noSuchLesson(_:available:)`` naming the lessons there are.
    public func lesson(_ number: Int) throws -> Lesson {
        guard let lesson = lessons.first(where: { $0.number == number }) else {
            throw CourseError.noSuchLesson(number, available: lessons.map(\.number))
        }
        return lesson
    }

    /// The text of the first level-one heading, without "Lesson N —" if the heading starts with it.
    static func title(of markdown: String) -> String? {
        guard let heading = markdown.split(separator: "\n").first(where: { $0.hasPrefix("# ") }) else { return nil }
        var title = heading.dropFirst(2)
        if let dash = title.firstRange(of: " — ") { title = title[dash.upperBound...] }
        return String(title)
    }
}
