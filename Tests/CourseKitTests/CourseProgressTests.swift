import CourseKit
import Foundation
import TestSupport
import Testing

@Suite("Progress", .onThreadsOfTheirOwn)
struct CourseProgressTests {
    /// A course root in a fresh temporary folder, removed after the body.
    func withTemporaryRoot(_ body: (CourseRoot) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(CourseRoot(path: folder.path))
    }

    @Test("Progress survives a save and a load, and a missing file means a fresh start")
    func roundTrip() throws {
        try withTemporaryRoot { root in
            #expect(CourseProgress.load(from: root) == CourseProgress())

            var progress = CourseProgress()
            progress.start(1)
            progress.update(1) { $0.hintsShown["2"] = 1 }
            progress.update(2) { $0.status = .done }
            try progress.save(to: root)
            let loaded = CourseProgress.load(from: root)
            #expect(loaded == progress)
            #expect(loaded.record(1).status == .inProgress)
            #expect(loaded.record(3).status == .notStarted)
        }
    }

    @Test("Starting a lesson that is done leaves it done")
    func startKeepsDone() {
        var progress = CourseProgress()
        progress.update(1) { $0.status = .done }
        progress.start(1)
        #expect(progress.record(1).status == .done)
    }

    @Test("An unreadable progress file is set aside, not trusted")
    func unreadableFileIsSetAside() throws {
        try withTemporaryRoot { root in
            try "not json".write(toFile: root.path(CourseProgress.fileName), atomically: true, encoding: .utf8)
            #expect(CourseProgress.load(from: root) == CourseProgress())
            #expect(root.exists(CourseProgress.fileName + ".unreadable"))
            #expect(!root.exists(CourseProgress.fileName))
        }
    }

    @Test("A gap in the numbering (lessons 1, 2 and 7): the catalog lists what is there, and the next lesson skips the gap")
    func gapInTheNumbering() throws {
        try withTemporaryRoot { root in
            for folder in ["01-handshake", "02-messages", "07-oauth2"] {
                try FileManager.default.createDirectory(atPath: root.path("lessons/\(folder)"), withIntermediateDirectories: true)
                try "# Lesson — \(folder)\n".write(toFile: root.path("lessons/\(folder)/README.md"), atomically: true, encoding: .utf8)
            }
            let catalog = try LessonCatalog(root: root)
            #expect(catalog.lessons.map(\.number) == [1, 2, 7])
            #expect(throws: CourseError.noSuchLesson(6, available: [1, 2, 7])) { try catalog.lesson(6) }
            #expect(try catalog.lesson(7).suite == "Lesson07Tests")
            var progress = CourseProgress()
            progress.update(1) { $0.status = .done }
            progress.update(2) { $0.status = .done }
            #expect(progress.next(in: catalog)?.number == 7)
            progress.update(7) { $0.status = .done }
            #expect(progress.next(in: catalog) == nil)
        }
    }
}
