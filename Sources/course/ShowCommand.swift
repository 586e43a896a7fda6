import ArgumentParser
import CourseKit
import Foundation

/// `course show N`: the lesson text, rendered, through a pager on a terminal.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Read a lesson in the terminal.")

    @Argument(help: "The lesson's number.")
    var lesson: Int

    @Flag(help: "Print without a pager, even on a terminal.")
    var noPager = false

    func run() throws {
        var context = try CourseContext()
        let lesson = try context.catalog.lesson(self.lesson)
        let text = MarkdownRenderer(style: context.style).render(try context.root.read(lesson.textPath))
        context.progress.start(lesson.number)
        try context.save()
        if !noPager, TerminalStyle.isTerminal(STDOUT_FILENO), page(text) {
            return
        }
        print(text)
    }

    /// Shows the text through `less -R`; false when there is no `less` to run.
    private func page(_ text: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let less = path.split(separator: ":").map({ "\($0)/less" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            return false
        }
        let pager = Process()
        pager.executableURL = URL(fileURLWithPath: less)
        pager.arguments = ["-R"]
        let input = Pipe()
        pager.standardInput = input
        guard (try? pager.run()) != nil else { return false }
        // Quitting the pager early closes the pipe; that is not an error worth dying of.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        try? input.fileHandleForWriting.close()
        pager.waitUntilExit()
        return pager.terminationStatus == 0
    }
}
