import ArgumentParser
import CourseKit
import Foundation

/// `course template DIR --name NAME`: the final server as a package of its own, for a team to build on.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Write the finished chat server as a standalone Swift package, to build your product on.",
        discussion: """
            The package holds the ChatServer library, its executable named after your product, the \
            terminal client, their tests, the server's docs, deploy/, a README, a .gitignore and a \
            .ci/run; nothing of the course. The folder must be new or empty.
            """
    )

    @Argument(help: "The folder to write the package into: new, or empty.")
    var folder: String

    @Option(help: "The product's name, such as acme-chat: lower-case words joined by hyphens.")
    var name: String

    func run() throws {
        let context = try CourseContext()
        let product = try ProductName(name)
        let written = try ServerTemplate(root: context.root, name: product).write(to: folder)
        let style = context.style
        print(style.green("✔ Wrote \(product), a package of its own, to \(folder): \(written.count) files."))
        for line in ServerTemplate.summary(of: written) {
            print("    " + line)
        }
        print("")
        print("Next:")
        print("    cd \(folder) && swift build && swift test   " + style.dim("# the first build compiles the whole stack: minutes"))
        print("    swift run \(product) --dev --allow-anonymous   " + style.dim("# then open http://localhost:8080/"))
    }
}
