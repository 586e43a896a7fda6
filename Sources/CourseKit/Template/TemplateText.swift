/// How a file of the course becomes a file of the template: the course's server name becomes the
/// product's, and Markdown loses what only makes sense inside the course.
///
/// A passage of a shared document that points into the course (a lesson, the benchmarks, a check that
/// needs a lesson's server) is wrapped in `<!-- course-only -->` … `<!-- /course-only -->`, inline or
/// around whole lines; Markdown renders the markers as nothing, and the template drops the passage.
/// The markers are explicit so that a reader of the source sees what a team will not get.
enum TemplateText {
    static let courseOnlyStart = "<!-- course-only -->"
    static let courseOnlyEnd = "<!-- /course-only -->"

    /// A path with the course's server name replaced: `Sources/chat-server/…` becomes `Sources/NAME/…`.
    static func path(_ path: String, name: ProductName) -> String {
        path.replacing(ProductName.course, with: name.description)
    }

    /// The text of a file as the template holds it.
    static func contents(_ text: String, path: String, name: ProductName) throws -> String {
        var text = text.replacing(ProductName.course, with: name.description)
        if path.hasSuffix(".md") { text = try withoutCourseOnlyPassages(text, path: path) }
        return text
    }

    /// The text without its course-only passages; a passage that filled whole lines leaves no blank
    /// line behind.
    static func withoutCourseOnlyPassages(_ text: String, path: String) throws -> String {
        var result = ""
        var rest = text[...]
        while let start = rest.firstRange(of: courseOnlyStart) {
            guard let end = rest[start.upperBound...].firstRange(of: courseOnlyEnd) else {
                throw CourseError.toolFailed("\(path): \(courseOnlyStart) without \(courseOnlyEnd) after it.")
            }
            let before = rest[..<start.lowerBound]
            var after = rest[end.upperBound...]
            // A passage on lines of its own takes its line break with it.
            let startsALine = before.isEmpty ? (result.isEmpty || result.last == "\n") : before.last == "\n"
            if startsALine, after.first == "\n" { after = after.dropFirst() }
            result += before
            rest = after
        }
        return result + rest
    }
}
