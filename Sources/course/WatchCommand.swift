import ArgumentParser
import CourseKit
import Foundation

/// `course watch [N]`: check a lesson's exercise, then again each time one of its files is saved,
/// until every check passes. Enter checks again at once: the fallback for a save the watch misses.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Check your exercise each time you save it, until it passes.",
        discussion: "Press Enter to check again at once; Ctrl-C stops watching."
    )

    @Argument(help: "The lesson's number (default: the next lesson).")
    var lesson: Int?

    /// How often the exercise folder is looked at.
    static let pollInterval: Int32 = 500

    func run() throws {
        var context = try CourseContext()
        guard let lesson = try self.lesson.map(context.catalog.lesson) ?? context.progress.next(in: context.catalog) else {
            print("Every lesson written so far is done.")
            return
        }
        var input = StandardInput()
        while true {
            // Taken before the check, so that a save made while it runs starts the next one.
            let checked = FolderSnapshot(of: lesson.exercisePath, in: context.root)
            if try context.check(lesson, against: .exercise) { return }
            print(context.style.dim("\nWatching \(lesson.exercisePath)/: save a file to check again, or press Enter. Ctrl-C stops.\n"))
            fflush(nil)  // the verdict shows now even when the output is a pipe or a file
            while !input.enterPressed(within: Self.pollInterval), FolderSnapshot(of: lesson.exercisePath, in: context.root) == checked {}
        }
    }
}

/// Standard input, read only to notice Enter; once it has ended (not a terminal, or Ctrl-D) it is
/// no longer read and only the wait remains.
struct StandardInput {
    private var isOpen = true

    /// Waits up to `milliseconds` for a line; true when one was typed.
    mutating func enterPressed(within milliseconds: Int32) -> Bool {
        guard isOpen else {
            usleep(UInt32(milliseconds) * 1000)
            return false
        }
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return false }
        if readLine() != nil { return true }
        isOpen = false
        return false
    }
}
