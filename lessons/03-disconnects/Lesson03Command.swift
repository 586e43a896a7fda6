import ArgumentParser
import Exercise03
import Foundation
import LessonKit
import Solution03

/// Lesson 3's server: an echo on `/ws?name=NAME` that keeps a registry of open connections, with the
/// learner's code (or, with `--solution`, the reference), and says who is online whenever that changes.
@main
struct Lesson03Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson03",
        abstract: "Lesson 3's server: an echo on /ws?name=NAME whose registry of connections never leaks."
    )

    @OptionGroup var options: LessonServerOptions

    @Option(help: "Seconds between pings; a client that has not answered by the next one is dropped.")
    var pingInterval = 10

    func run() async throws {
        let registry: any ConnectionRegistry = options.solution ? Solution03.Registry() : Exercise03.Registry()
        let build = options.solution ? Solution03.buildPresenceServer : Exercise03.buildPresenceServer
        // The registry as it changes: what a presence list would show.
        let watch = Task {
            var last: [String]? = nil
            while !Task.isCancelled {
                // First, a moment for the server to start and say where it listens.
                try await Task.sleep(for: .milliseconds(200))
                let online = try registry.online()
                if online != last {
                    let count = try registry.connectionCount()
                    print("online: \(online.isEmpty ? "nobody" : online.joined(separator: ", ")) (\(count) connection\(count == 1 ? "" : "s"))")
                    last = online
                    fflush(nil)  // shown at once, even when the output is a file
                }
            }
        }
        defer { watch.cancel() }
        try await options.serve(lesson: 3, path: "/ws?name=NAME") { configuration in
            _ = try registry.connectionCount()
            return try build(registry, .seconds(pingInterval), configuration)
        }
    }
}
