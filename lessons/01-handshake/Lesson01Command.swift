import ArgumentParser
import ChatServer
import Exercise01
import Hummingbird
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
        let configuration = ApplicationConfiguration(address: .hostname(options.host, port: options.port))
        let build = options.solution ? Solution01.buildEchoServer : Exercise01.buildEchoServer
        let app: any ApplicationProtocol
        do {
            app = try build(policy, configuration)
        } catch let error as NotDoneYet {
            print("Lesson 1's server can't start yet: \(error). Check with `swift run course check 1`, or try `--solution`.")
            throw ExitCode.failure
        }
        print("Lesson 1 with \(options.author): ws://\(options.host):\(options.port)/ws (Ctrl-C stops it)")
        try await app.runService()
    }
}
