import ArgumentParser
import ChatServer
import Exercise01
import LessonKit
import Solution01

/// Lesson 1's server: WebSockets on `/ws` that echo text, behind the handshake decision of the
/// learner's exercise (or, with `--solution`, the reference).
@main
struct Lesson01Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson01",
        abstract: "Lesson 1's server: the handshake, decided by your code, and an echo on /ws."
    )

    @OptionGroup var options: LessonServerOptions

    func run() async throws {
        let policy = HandshakePolicy(allowedOrigins: options.allowedOrigins, subprotocols: ["chat.v1", "echo"])
        let build = options.solution ? Solution01.buildEchoServer : Exercise01.buildEchoServer
        try await options.serve(lesson: 1) { configuration in try build(policy, configuration) }
    }
}
