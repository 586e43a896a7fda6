import ArgumentParser
import Exercise04
import LessonKit
import Logging
import Solution04

/// Lesson 4's server: `room.v1` on `/ws?name=NAME`, where every error gets its answer and only the
/// connection at fault pays, with the learner's code (or, with `--solution`, the reference).
@main
struct Lesson04Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson04",
        abstract: "Lesson 4's server: room.v1 on /ws?name=NAME, whose errors stay with the connection at fault."
    )

    @OptionGroup var options: LessonServerOptions

    @Option(help: "Messages a second each connection may send, on average.")
    var rate = RateLimit.standard.rate

    @Option(help: "How many messages a connection may send at once, above the rate.")
    var burst = RateLimit.standard.burst

    @Option(help: "Refusals in a row after which a connection is closed with 1008.")
    var strikes = RateLimit.standard.strikes

    func run() async throws {
        let build = options.solution ? Solution04.buildContainedServer : Exercise04.buildContainedServer
        // Server errors are logged here, each with the reference its close reason carries.
        let logger = Logger(label: "lesson04")
        try await options.serve(lesson: 4, path: "/ws?name=NAME") { configuration in
            try build(RateLimit(rate: rate, burst: burst, strikes: strikes), logger, configuration)
        }
    }
}
