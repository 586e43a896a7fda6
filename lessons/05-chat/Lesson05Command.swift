import ArgumentParser
import Exercise05
import LessonKit
import Solution05

/// Lesson 5's server: rooms, history in SQLite and recovery with `since`, speaking `chat.v1` on
/// `/ws?name=NAME`, with the final server's web chat at `/`, using the learner's code (or, with
/// `--solution`, the reference).
@main
struct Lesson05Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson05",
        abstract: "Lesson 5's server: chat.v1 rooms with history on /ws?name=NAME, and the web chat at /."
    )

    @OptionGroup var options: LessonServerOptions

    @Option(help: "The SQLite file that keeps the history; it outlives the server.")
    var database = "lesson05.sqlite"

    func run() async throws {
        let build = options.solution ? Solution05.buildChatServer : Exercise05.buildChatServer
        try await options.serve(lesson: 5, path: "/ws?name=NAME") { configuration in
            let rooms: any ChatRooms = options.solution ? Solution05.Rooms() : Exercise05.Rooms()
            _ = try rooms.connectionCount()
            let history: any ChatHistory = try options.solution ? Solution05.History(path: database) : Exercise05.History(path: database)
            return try build(rooms, history, options.allowedOrigins, configuration)
        }
    }
}
