import ArgumentParser
import CourseKit
import Foundation

@main
struct CourseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course",
        abstract: "Learn WebSockets in server-side Swift, one lesson at a time.",
        discussion: """
            Run with no subcommand to see where you are and what to do next.
            Progress is kept in .course-progress.json at the course root.
            """,
        subcommands: [
            StatusCommand.self, ListCommand.self, ShowCommand.self, CheckCommand.self, WatchCommand.self, HintCommand.self, SolutionCommand.self,
            ResetCommand.self, TemplateCommand.self, VerifyCommand.self,
        ],
        defaultSubcommand: StatusCommand.self
    )
}

/// What every subcommand needs: the course root, its lessons, and the learner's progress.
struct CourseContext {
    let root: CourseRoot
    let catalog: LessonCatalog
    var progress: CourseProgress
    let style = TerminalStyle.standardOutput

    init() throws {
        root = try CourseRoot.find()
        catalog = try LessonCatalog(root: root)
        progress = CourseProgress.load(from: root)
    }

    /// Renders Markdown for standard output, to the terminal's width (100 columns when piped).
    var renderer: MarkdownRenderer {
        MarkdownRenderer(style: style, width: TerminalStyle.columns(STDOUT_FILENO) ?? 100)
    }

    func save() throws {
        try progress.save(to: root)
    }
}
