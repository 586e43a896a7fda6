import CourseKit
import Foundation
import TestSupport
import Testing

@Suite("Noticing saves in an exercise folder", .onThreadsOfTheirOwn)
struct FolderSnapshotTests {
    @Test("A snapshot changes when a file is saved, added or removed, and not otherwise")
    func noticesSaves() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("nested"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = CourseRoot(path: folder.path)
        let file = folder.appendingPathComponent("nested/Answer.swift")
        try "let answer = 0\n".write(to: file, atomically: false, encoding: .utf8)

        let first = FolderSnapshot(of: "", in: root)
        #expect(FolderSnapshot(of: "", in: root) == first)

        // Same size: only the modification time tells the save apart.
        try "let answer = 1\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: file.path)
        let saved = FolderSnapshot(of: "", in: root)
        #expect(saved != first)

        try "".write(to: folder.appendingPathComponent("New.swift"), atomically: false, encoding: .utf8)
        let added = FolderSnapshot(of: "", in: root)
        #expect(added != saved)

        try FileManager.default.removeItem(at: folder.appendingPathComponent("New.swift"))
        #expect(FolderSnapshot(of: "", in: root) == saved)
    }
}
