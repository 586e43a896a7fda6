import CourseKit
import Foundation
import TestSupport
import Testing

@Suite("course template: the server as a package of its own", .onThreadsOfTheirOwn)
struct ServerTemplateTests {
    static let root = try! CourseRoot.find(from: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path)

    /// A fresh temporary folder path (not created), removed after the body.
    func withTemporaryFolder(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("template-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder)
    }

    @Test("The package holds the server, its executable named after the product, tests, docs, deploy/ and CI, and nothing of the course")
    func contents() throws {
        try withTemporaryFolder { folder in
            let written = try ServerTemplate(root: Self.root, name: try ProductName("acme-chat")).write(to: folder)
            let package = CourseRoot(path: folder)
            for expected in [
                "Package.swift", "README.md", ".gitignore", ".ci/run", ".swift-format", "Sources/ChatServer/Server/ChatService.swift",
                "Sources/ChatServer/Resources/index.html", "Sources/acme-chat/ChatServerCommand.swift", "Sources/wsclient/WSClientCommand.swift",
                "Tests/ChatServerTests/ChatHTTPTests.swift", "Tests/TestSupport/LiveServer.swift", "Tests/Proxy/run", "docs/server.md",
                "docs/protocol.md", "docs/auth.md", "docs/asyncapi.yaml", "deploy/nginx/chat.conf",
            ] {
                #expect(written.contains(expected), "\(expected) is missing")
            }
            #expect(FileManager.default.isExecutableFile(atPath: package.path(".ci/run")))
            #expect(FileManager.default.isExecutableFile(atPath: package.path("Tests/Proxy/run")))
            for path in written {
                #expect(
                    !["lessons/", "exercises/", "solutions/", "benchmarks/", "Sources/course", "Sources/CourseKit"].contains { path.hasPrefix($0) }
                )
                let text = try package.read(path)
                for course in ["chat-server", "course-only", "LessonKit", "wsbench", "swift run course", "lessons/"] {
                    #expect(!text.contains(course), "\(path) mentions \(course)")
                }
            }
            let manifest = try package.read("Package.swift")
            #expect(manifest.contains(#"name: "acme-chat""#))
            #expect(manifest.contains(#".executable(name: "acme-chat", targets: ["acme-chat"])"#))
            let command = try package.read("Sources/acme-chat/ChatServerCommand.swift")
            #expect(command.contains(#"let productName = "acme-chat""#))
        }
    }

    @Test("Its dependencies are the course's own, at the same versions, so it resolves wherever the course does")
    func dependencies() throws {
        let course = try Self.root.read("Package.swift")
        let lines = try Self.root.read("template/Package.swift").split(separator: "\n").filter { $0.contains(".package(url:") }
        #expect(lines.count > 10)
        for line in lines {
            #expect(course.contains(line), "\(line) is not in the course's Package.swift")
        }
        // And the other way: a dependency the course adds reaches the template too, unless only the
        // course's own tools use it (wsbench's histogram).
        let courseOnly = ["hdrhistogram-swift"]
        for line in course.split(separator: "\n") where line.contains(".package(url:") && !courseOnly.contains(where: line.contains) {
            #expect(lines.contains(line), "\(line) is in the course's Package.swift but not in template/Package.swift")
        }
    }

    @Test("Every relative link in its Markdown leads to a file it holds")
    func links() throws {
        try withTemporaryFolder { folder in
            let written = try ServerTemplate(root: Self.root, name: try ProductName("acme-chat")).write(to: folder)
            for path in written where path.hasSuffix(".md") {
                let text = try String(contentsOfFile: folder + "/" + path, encoding: .utf8)
                for link in text.matches(of: #/\]\(([^)#\s]+)(#[^)]*)?\)/#) {
                    let target = String(link.output.1)
                    guard !target.contains("://") else { continue }
                    let resolved = URL(fileURLWithPath: folder + "/" + path).deletingLastPathComponent().appendingPathComponent(target).path
                    #expect(FileManager.default.fileExists(atPath: resolved), "\(path) links to \(target), which the package lacks")
                }
            }
        }
    }

    @Test("It refuses a folder that holds anything, and writes nothing there")
    func refusesNonEmptyFolder() throws {
        try withTemporaryFolder { folder in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "mine".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
            #expect(throws: CourseError.folderNotEmpty(folder)) {
                try ServerTemplate(root: Self.root, name: try ProductName("acme-chat")).write(to: folder)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["notes.txt"])
        }
    }

    @Test("A product's name is lower-case words joined by hyphens, and not one the package already uses")
    func names() throws {
        for good in ["acme-chat", "chat", "team2-chat-v3", "chat-server"] {
            #expect(throws: Never.self) { try ProductName(good) }
        }
        for bad in ["", "Acme", "acme_chat", "-chat", "chat-", "a--b", "2chat", "acme chat", "wsclient", "../x", String(repeating: "a", count: 41)] {
            #expect(throws: CourseError.invalidProductName(bad)) { try ProductName(bad) }
        }
    }

    @Test("Course-only passages go, inline or on lines of their own, and nothing else does")
    func courseOnlyPassages() throws {
        let text = """
            Kept<!-- course-only -->, and a lesson<!-- /course-only -->.
            <!-- course-only -->
            A paragraph for learners.
            <!-- /course-only -->
            Kept too.
            """
        #expect(try ServerTemplate.withoutCourseOnlyPassages(text, path: "a.md") == "Kept.\nKept too.")
        #expect(throws: CourseError.self) { try ServerTemplate.withoutCourseOnlyPassages("<!-- course-only --> open", path: "a.md") }
    }

    @Test("What it wrote is told by folder, with counts, and a folder of one file by the file")
    func summary() {
        let paths = ["Package.swift", "Sources/ChatServer/A.swift", "Sources/ChatServer/Hub/B.swift", "Sources/x/C.swift", "docs/a.md", "docs/b.md"]
        #expect(ServerTemplate.summary(of: paths) == ["Package.swift", "Sources/ChatServer/ (2 files)", "Sources/x/C.swift", "docs/ (2 files)"])
    }
}
