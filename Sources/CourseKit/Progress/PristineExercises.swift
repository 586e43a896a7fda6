import Foundation

/// Every exercise file as the course ships it, recorded by its git blob name in
/// `exercises/pristine-blobs.txt`.
///
/// `course reset` needs the pristine files whatever the learner did since the clone: edited them,
/// committed them, pulled a newer course. Asking git for `HEAD:exercises/…` would give back the
/// learner's own answer once they commit it, and a copy kept in the repository would be a second
/// copy of every exercise to keep in step. A blob name is neither: it names the shipped contents
/// exactly, and any clone holds that blob (every commit since the record carries it), so the record
/// reads the pristine file straight from git's object store. `course verify`, which CI runs on the
/// untouched exercises, fails when the record and the exercises part, so the record cannot go stale.
public struct PristineExercises: Sendable, Equatable {
    /// The record's path, relative to the course root.
    public static let path = "exercises/pristine-blobs.txt"

    static let header = """
        # Every exercise file as the course ships it, by its git blob name: `swift run course reset` reads
        # them back from the clone, and `swift run course verify` checks the exercises still match.
        # Written by `swift run course verify --record` (for course authors, after changing an exercise).

        """

    /// The blob name of each pristine file, by its path relative to the course root.
    public let blobs: [String: String]

    init(blobs: [String: String]) {
        self.blobs = blobs
    }

    /// Reads the record.
    public init(root: CourseRoot) throws {
        var blobs: [String: String] = [:]
        for line in try root.read(Self.path).split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", maxSplits: 1)
            guard fields.count == 2 else { continue }
            blobs[String(fields[1])] = String(fields[0])
        }
        self.blobs = blobs
    }

    /// A record of the exercises as they are now: what a course author writes after changing one.
    public static func recording(_ root: CourseRoot) throws -> PristineExercises {
        let paths = files(under: "exercises", in: root).filter { $0 != path }
        let names = try GitObjects(root: root).blobNames(of: paths)
        return PristineExercises(blobs: Dictionary(uniqueKeysWithValues: zip(paths, names)))
    }

    /// The record as its file holds it.
    public var text: String {
        Self.header + blobs.keys.sorted().map { "\(blobs[$0]!) \($0)\n" }.joined()
    }

    /// The pristine files of a lesson's exercise, sorted.
    public func files(of lesson: Lesson) -> [String] {
        blobs.keys.filter { $0.hasPrefix(lesson.exercisePath + "/") }.sorted()
    }

    /// The pristine contents of files, by path.
    ///
    /// - Throws: ``CourseError/toolFailed(_:)`` when a file has no record or the clone lacks its blob
    ///   (a download without git's history), saying so.
    public func contents(of paths: [String], in root: CourseRoot) throws -> [String: Data] {
        let found = try GitObjects(root: root).contents(of: paths.compactMap { blobs[$0] })
        return try Dictionary(
            uniqueKeysWithValues: paths.map { path in
                guard let blob = blobs[path], let data = found[blob] else {
                    throw CourseError.toolFailed(
                        "The pristine \(path) is not in this clone's git history. Reset needs a git clone of the course."
                    )
                }
                return (path, data)
            }
        )
    }

    /// The files of a lesson's exercise that are not as shipped: changed, missing, or added by the
    /// learner.
    public func changedFiles(of lesson: Lesson, in root: CourseRoot) throws -> [String] {
        let pristine = files(of: lesson)
        let present = Self.files(under: lesson.exercisePath, in: root)
        let names = try GitObjects(root: root).blobNames(of: present)
        let current = Dictionary(uniqueKeysWithValues: zip(present, names))
        let changed = pristine.filter { current[$0] != blobs[$0] }
        let added = present.filter { blobs[$0] == nil }
        return (changed + added).sorted()
    }

    /// The exercise a file belongs to: the number in the first `/// Exercise N` of its doc comment.
    public static func exerciseNumber(in source: String) -> Int? {
        for line in source.split(separator: "\n") where line.hasPrefix("/// Exercise ") {
            return Int(line.dropFirst("/// Exercise ".count).prefix { $0.isNumber })
        }
        return nil
    }

    /// Every regular file under a folder, relative to the course root, sorted; hidden files aside.
    static func files(under folder: String, in root: CourseRoot) -> [String] {
        var found: [String] = []
        let walk = FileManager.default.enumerator(atPath: root.path(folder))
        while let relative = walk?.nextObject() as? String {
            guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.path("\(folder)/\(relative)"), isDirectory: &isFolder), !isFolder.boolValue {
                found.append("\(folder)/\(relative)")
            }
        }
        return found.sorted()
    }
}
