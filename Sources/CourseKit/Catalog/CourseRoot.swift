import Foundation

/// The course's folder: the package root, which holds `Package.swift` and `lessons/`.
public struct CourseRoot: Sendable {
    /// The folder's path.
    public let path: String

    /// Creates a root at a known path.
    public init(path: String) {
        self.path = path
    }

    /// The root that holds `start` or one of its parent folders.
    ///
    /// - Parameter start: where to begin looking; the current directory by default.
    /// - Throws: ``CourseError/notInCourse`` when no parent folder holds a course.
    public static func find(from start: String = FileManager.default.currentDirectoryPath) throws -> CourseRoot {
        var folder = URL(fileURLWithPath: start).standardizedFileURL
        while true {
            let candidate = CourseRoot(path: folder.path)
            if candidate.exists("Package.swift"), candidate.exists("lessons") {
                return candidate
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { throw CourseError.notInCourse(start) }
            folder = parent
        }
    }

    /// The absolute path of a path relative to the root.
    public func path(_ relative: String) -> String {
        relative.isEmpty ? path : path + "/" + relative
    }

    /// Whether a file or folder exists at a path relative to the root.
    public func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }

    /// The text of a file relative to the root.
    public func read(_ relative: String) throws -> String {
        do {
            return try String(contentsOfFile: path(relative), encoding: .utf8)
        } catch {
            throw CourseError.unreadable(relative)
        }
    }

    /// The names in a folder relative to the root, sorted; none if it does not exist.
    public func list(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path(relative))) ?? []).sorted()
    }

    /// The path of `absolute` relative to the root, when it lies inside it.
    public func relative(_ absolute: String) -> String {
        absolute.hasPrefix(path + "/") ? String(absolute.dropFirst(path.count + 1)) : absolute
    }
}

extension CourseRoot {
    /// Writes a text file relative to the root, replacing it whole.
    public func write(_ text: String, to relative: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(relative)), options: .atomic)
    }
}
