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
        let text = context.renderer.render(try context.root.read(lesson.textPath))
        context.progress.start(lesson.number)
        try context.save()
        Pager.show(text, paging: !noPager)
    }
}
