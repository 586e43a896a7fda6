import ArgumentParser
import Exercise06
import LessonKit
import Solution06

/// Lesson 6's server: the same broadcast served two ways on one port, `/naive` and `/fast`, so that
/// `wsbench` can load each with the same command. `/fast` runs the learner's code (or, with
/// `--solution`, the reference).
@main
struct Lesson06Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson06",
        abstract: "Lesson 6's server: a broadcast on /naive (a task, an actor hop and an encoding per recipient) and on /fast (yours)."
    )

    @OptionGroup var options: LessonServerOptions

    @Option(help: "The most connections /fast takes; past it, handshakes get 503 with Retry-After.")
    var maxConnections = 10_000

    @Option(help: "The most messages that may wait for one /fast connection.")
    var outboxMessages = 1024

    @Option(help: "The most bytes that may wait for one /fast connection.")
    var outboxBytes = 1 << 20

    func run() async throws {
        let (messages, bytes) = (outboxMessages, outboxBytes)
        let fast =
            options.solution
            ? FastRelay(
                limit: Solution06.ConnectionLimit(maxConnections: maxConnections),
                room: Solution06.Room(),
                makeOutbox: { Solution06.BoundedOutbox(maxMessages: messages, maxBytes: bytes) },
                makeSession: { Solution06.RelaySession(maxMessageBytes: 64 * 1024) }
            )
            : FastRelay(
                limit: Exercise06.ConnectionLimit(maxConnections: maxConnections),
                room: Exercise06.Room(),
                makeOutbox: { Exercise06.BoundedOutbox(maxMessages: messages, maxBytes: bytes) },
                makeSession: { Exercise06.RelaySession(maxMessageBytes: 64 * 1024) }
            )
        // /naive needs nothing of yours, so the server starts either way; /fast says what is missing.
        do {
            _ = try fast.limit.openCount()
            _ = try fast.room.memberCount()
            _ = try fast.makeOutbox().queuedMessages()
            var session = try fast.makeSession()
            _ = try session.handle(.text(""))
        } catch let error as NotDoneYet {
            print("/fast is not ready: \(error). Check with `swift run course check 6`, or try `--solution`.")
        }
        try await options.serve(lesson: 6, path: "/naive and /fast") { configuration in
            buildRelayLessonServer(fast: fast, configuration: configuration)
        }
    }
}
