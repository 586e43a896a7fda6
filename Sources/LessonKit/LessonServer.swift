import ArgumentParser
import Hummingbird

extension LessonServerOptions {
    /// Builds a lesson's server with the learner's code (or the reference), says where it listens,
    /// and runs it until Ctrl-C. An exercise not written yet is a sentence and a failing exit, not a crash.
    ///
    /// - Parameters:
    ///   - lesson: the lesson's number, for what is printed.
    ///   - path: the WebSocket path to announce, such as `/ws?name=NAME`.
    ///   - build: the server, from where to listen.
    public func serve(lesson: Int, path: String = "/ws", build: (ApplicationConfiguration) throws -> any ApplicationProtocol) async throws {
        let app: any ApplicationProtocol
        do {
            app = try build(ApplicationConfiguration(address: .hostname(host, port: port)))
        } catch let error as NotDoneYet {
            print("Lesson \(lesson)'s server can't start yet: \(error). Check with `swift run course check \(lesson)`, or try `--solution`.")
            throw ExitCode.failure
        }
        print("Lesson \(lesson) with \(author): ws://\(host):\(port)\(path) (Ctrl-C stops it)")
        try await app.runService()
    }
}
