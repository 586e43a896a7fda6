import ArgumentParser
import Exercise02
import Hummingbird
import LessonKit
import Solution02

/// Lesson 2's server: `echo.v1` on `/ws`, JSON messages and their limits, with the learner's code (or,
/// with `--solution`, the reference).
@main
struct Lesson02Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson02",
        abstract: "Lesson 2's server: echo.v1 on /ws, JSON messages and their limits, run by your code."
    )

    @OptionGroup var options: LessonServerOptions

    func run() async throws {
        let configuration = ApplicationConfiguration(address: .hostname(options.host, port: options.port))
        let build = options.solution ? Solution02.buildMessageServer : Exercise02.buildMessageServer
        let app: any ApplicationProtocol
        do {
            app = try build(configuration)
        } catch let error as NotDoneYet {
            print("Lesson 2's server can't start yet: \(error). Check with `swift run course check 2`, or try `--solution`.")
            throw ExitCode.failure
        }
        print("Lesson 2 with \(options.author): ws://\(options.host):\(options.port)/ws (Ctrl-C stops it)")
        try await app.runService()
    }
}
