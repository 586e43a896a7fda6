import ArgumentParser
import ChatServer
import Foundation
import NIOCore

/// `chat-server echo`: the chat server's WebSocket connection handler with an echo in place of the
/// chat, for conformance suites.
struct EchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "Echo WebSocket messages on the chat server's connection handler, for conformance tests.",
        discussion: """
            Every message comes back as it came, on any path. Autobahn|Testsuite's fuzzing client, \
            pointed at it, checks what RFC 6455 asks of the handler every chat connection runs on \
            (docs/server.md says how). Not for production: there is no chat, no limit on connections \
            and no origin check.
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 9001

    @Option(help: "The largest message accepted, in bytes (Autobahn's cases 9.x send 16 MiB).")
    var maxMessageSize = 16 << 20

    func run() async throws {
        let channel = try await ConformanceEcho.start(host: host, port: port, maxMessageSize: maxMessageSize)
        // Written at once, even into a file: a script waits for this line to learn the port.
        FileHandle.standardOutput.write(Data("Echo on ws://\(host):\(channel.localAddress?.port ?? port)/ (Ctrl-C stops it)\n".utf8))
        try await channel.closeFuture.get()
    }
}
