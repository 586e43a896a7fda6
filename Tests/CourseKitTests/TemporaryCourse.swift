import CourseKit
import Foundation
import Testing

/// A course of one lesson with two exercise files, in a git repository of its own with the pristine
/// record committed, as a learner's clone is.
enum TemporaryCourse {
    static let pristineA = "/// Exercise 1: the first\n// TODO: write it\n"
    static let pristineB = "/// Exercise 2: the second\n// TODO: write it\n"

    static func git(_ arguments: [String], in root: CourseRoot) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root.path, "-c", "user.name=Learner", "-c", "user.email=learner@example.com"] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments)")
    }

    /// Commits everything, as a learner who commits their answers does.
    static func commit(_ root: CourseRoot) throws {
        try git(["add", "-A"], in: root)
        try git(["commit", "-q", "-m", "a commit"], in: root)
    }
}

/// Runs `body` with a fresh temporary course and its lesson, removed afterwards.
func withTemporaryCourse(_ body: (CourseRoot, Lesson) throws -> Void) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("course-\(UUID())")
    defer { try? FileManager.default.removeItem(at: folder) }
    let root = CourseRoot(path: folder.path)
    try FileManager.default.createDirectory(atPath: root.path("lessons/01-first"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: root.path("exercises/01-first"), withIntermediateDirectories: true)
    try root.write("# Lesson 1 — First\n", to: "lessons/01-first/README.md")
    try root.write(TemporaryCourse.pristineA, to: "exercises/01-first/A.swift")
    try root.write(TemporaryCourse.pristineB, to: "exercises/01-first/B.swift")
    try TemporaryCourse.git(["init", "-q"], in: root)
    try root.write(try PristineExercises.recording(root).text, to: PristineExercises.path)
    try TemporaryCourse.commit(root)
    try body(root, try LessonCatalog(root: root).lesson(1))
}
