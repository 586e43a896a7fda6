import CourseKit
import Foundation
import TestSupport
import Testing

@Suite("Lesson texts quote real code", .onThreadsOfTheirOwn)
struct LessonQuotesTests {
    @Test("Every Swift block in every lesson's text and hints is an excerpt of the file it names")
    func lessonsQuoteTheirSources() throws {
        let root = try CourseRoot.find(from: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path)
        let catalog = try LessonCatalog(root: root)
        #expect(!catalog.lessons.isEmpty)
        for lesson in catalog.lessons {
            let text = LessonQuotes(markdown: try root.read(lesson.textPath))
            #expect(!text.quotes.isEmpty, "lesson \(lesson.number) quotes no code")
            for path in [lesson.textPath, lesson.hintsPath] {
                for problem in LessonQuotes(markdown: try root.read(path)).problems(in: root) {
                    Issue.record("\(path) \(problem)")
                }
            }
        }
    }

    @Test("A block that drifted from its source is reported, one that matches is not")
    func driftIsCaught() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quotes-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "func a() {\n    let x = 1\n    return x\n}\n".write(to: folder.appendingPathComponent("A.swift"), atomically: true, encoding: .utf8)
        let root = CourseRoot(path: folder.path)

        let matching = LessonQuotes(markdown: "<!-- from: A.swift -->\n```swift\nlet x = 1\nreturn x\n```\n")
        #expect(matching.problems(in: root).isEmpty)

        let drifted = LessonQuotes(markdown: "<!-- from: A.swift -->\n```swift\nlet x = 2\n```\n")
        #expect(drifted.problems(in: root).count == 1)

        let unattributed = LessonQuotes(markdown: "```swift\nlet x = 1\n```\n")
        #expect(unattributed.problems(in: root).first?.contains("without") == true)
    }
}
