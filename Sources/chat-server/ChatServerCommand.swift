import ArgumentParser
import ChatServer
import Hummingbird

@main
struct ChatServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat-server",
        abstract: "The course's chat server: WebSockets on /ws behind a checked handshake, and /health."
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(
        name: .customLong("allowed-origin"),
        help: "A browser origin allowed to open WebSockets besides the server's own (repeatable; * allows any)."
    )
    var allowedOrigins: [String] = []

    func run() async throws {
        let configuration = ChatServerConfiguration(host: host, port: port, allowedOrigins: allowedOrigins)
        try await buildApplication(configuration).runService()
    }
}
