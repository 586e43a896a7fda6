import Foundation

/// The course's final server as a standalone package: `course template DIR --name NAME`.
///
/// The package is made of the course's own files, not of copies kept beside them: the library, the
/// executable, the terminal client, their tests and helpers, the server's docs and `deploy/` come
/// from where the course keeps and tests them, and `template/` holds what only the package needs (its
/// `Package.swift`, README, `.gitignore` and `.ci/run`). Every `chat-server` in them becomes the
/// product's name. So a fix to the server reaches the next template, and the course's CI builds and
/// tests one on every run.
public struct ServerTemplate: Sendable {
    /// A file or folder of the course and where it goes in the package.
    struct Part: Sendable {
        let source: String
        let destination: String

        init(_ source: String, as destination: String? = nil) {
            self.source = source
            self.destination = destination ?? source
        }
    }

    /// What the package is made of. No lesson, exercise, course engine or benchmark is among them.
    static let parts: [Part] = [
        Part("template", as: ""),
        Part(".swift-format"),
        Part("Sources/ChatServer"),
        Part("Sources/\(ProductName.course)"),
        Part("Sources/wsclient"),
        Part("Tests/ChatServerTests"),
        Part("Tests/TestSupport"),
        Part("Tests/WSClientTests"),
        Part("Tests/Proxy/run"),
        Part("Tests/Cluster/run"),
        Part("Tests/Postgres"),
        Part("docs/server.md"),
        Part("docs/protocol.md"),
        Part("docs/auth.md"),
        Part("docs/asyncapi.yaml"),
        Part("deploy"),
    ]

    /// What is never part of a package: what tools leave behind, such as a build of `template/` itself.
    static let ignored: Set<String> = ["__pycache__", ".DS_Store", ".build", ".swiftpm", "Package.resolved"]

    let root: CourseRoot
    let name: ProductName

    public init(root: CourseRoot, name: ProductName) {
        self.root = root
        self.name = name
    }

    /// Writes the package into `folder`, which must be empty or not exist yet.
    ///
    /// - Returns: the paths written, relative to `folder`, sorted.
    /// - Throws: ``CourseError/folderNotEmpty(_:)`` before writing anything into a folder that holds
    ///   something; ``CourseError/unreadable(_:)`` when a part of the course is missing.
    public func write(to folder: String) throws -> [String] {
        let fileManager = FileManager.default
        var isFolder: ObjCBool = false
        if fileManager.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue, (try fileManager.contentsOfDirectory(atPath: folder)).isEmpty else {
                throw CourseError.folderNotEmpty(folder)
            }
        }
        // Everything is read before anything is written, so a missing part leaves no half a package.
        let contents = try Self.parts.flatMap { part in
            try files(of: part).map { source, destination in
                let text = try root.read(source)
                let path = TemplateText.path(destination, name: name)
                return (path: path, text: try TemplateText.contents(text, path: path, name: name), source: source)
            }
        }
        for file in contents {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(file.path)
            try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: url)
            // Scripts stay executable.
            let mode = (try fileManager.attributesOfItem(atPath: root.path(file.source))[.posixPermissions] as? Int) ?? 0o644
            try fileManager.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        }
        return contents.map(\.path).sorted()
    }

    /// The files of a part, as (path in the course, path in the package).
    private func files(of part: Part) throws -> [(String, String)] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path(part.source), isDirectory: &isFolder) else {
            throw CourseError.unreadable(part.source)
        }
        guard isFolder.boolValue else { return [(part.source, part.destination)] }
        let base = URL(fileURLWithPath: root.path(part.source)).standardizedFileURL.path
        var found: [(String, String)] = []
        let walk = FileManager.default.enumerator(atPath: base)
        while let relative = walk?.nextObject() as? String {
            if Self.ignored.contains((relative as NSString).lastPathComponent) {
                walk?.skipDescendants()
                continue
            }
            var isSubfolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isSubfolder), !isSubfolder.boolValue else {
                continue
            }
            let destination = part.destination.isEmpty ? relative : part.destination + "/" + relative
            found.append((part.source + "/" + relative, destination))
        }
        return found
    }
}

extension ServerTemplate {
    /// The paths written, told by folder: a file at the top by its name, the rest by the folder that
    /// holds them (two levels deep in `Sources/` and `Tests/`, where each folder is a target) with a
    /// count; a folder that holds one file is told by that file.
    public static func summary(of paths: [String]) -> [String] {
        var order: [String] = []
        var members: [String: [String]] = [:]
        for path in paths {
            let components = path.split(separator: "/").map(String.init)
            let depth = ["Sources", "Tests"].contains(components[0]) ? 2 : 1
            let key = components.count <= depth ? path : components.prefix(depth).joined(separator: "/") + "/"
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(path)
        }
        return order.map { key in
            let files = members[key]!
            return files.count == 1 ? files[0] : "\(key) (\(files.count) files)"
        }
    }
}

extension ServerTemplate {
    /// A Markdown text without its course-only passages (see ``TemplateText``).
    public static func withoutCourseOnlyPassages(_ text: String, path: String) throws -> String {
        try TemplateText.withoutCourseOnlyPassages(text, path: path)
    }
}
