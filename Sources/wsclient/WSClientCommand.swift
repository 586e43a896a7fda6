import ArgumentParser
import Dispatch
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A terminal WebSocket client in the manner of `websocat` and `wscat`: each line typed is sent as a
/// text message, each message received is printed, and the close code is shown at the end.
@main
struct WSClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wsclient",
        abstract: "Send typed lines to a WebSocket server and print what comes back.",
        discussion: """
            Each line you type is sent as one text message; end input (Ctrl-D) to close the connection \
            with 1000 (normal closure). Messages received are printed as they arrive, binary ones as a \
            byte count.
            Examples:
              swift run wsclient ws://localhost:8080/ws --subprotocol chat.v1
              swift run wsclient --chat "ws://localhost:8080/ws?name=alice"   (then /help)
            """
    )

    @Argument(help: "The WebSocket URL, such as ws://localhost:8080/ws.")
    var url: String

    @Option(name: [.customShort("H"), .customLong("header")], help: "An extra handshake header, as 'Name: value' (repeatable).")
    var headers: [String] = []

    @Option(name: .customLong("subprotocol"), help: "A subprotocol to offer, in order of preference (repeatable).")
    var subprotocols: [String] = []

    @Option(help: "For wss://, a CA certificate (PEM) to trust besides the system's, such as a test server's own.")
    var cacert: String?

    @Option(help: "The largest message accepted from the server, in bytes.")
    var maxSize = 1 << 20

    @Flag(help: "Speak chat.v1: /join, /leave, /history and /dm commands, other lines said in the room; replies shown as a conversation.")
    var chat = false

    @Flag(help: "Log the handshake and frames.")
    var verbose = false

    func validate() throws {
        guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else {
            throw ValidationError("A WebSocket URL starts with ws:// or wss://, as in ws://localhost:8080/ws.")
        }
    }

    func run() async throws {
        var logger = Logger(label: "wsclient")
        logger.logLevel = verbose ? .trace : .warning
        let lines = Self.standardInputLines()
        let maxSize = self.maxSize
        let chat = self.chat
        let display = ChatDisplay()
        let session = Session()
        do {
            let closeFrame = try await WebSocketClient.connect(
                url: url,
                configuration: .init(maxFrameSize: maxSize, additionalHeaders: try handshakeFields()),
                tlsConfiguration: try tlsConfiguration(),
                logger: logger
            ) { inbound, outbound, _ in
                let usage = chat ? "/help lists the commands, Ctrl-D closes" : "type a line to send it, Ctrl-D to close"
                printStatus("connected to \(Self.withoutToken(url)); \(usage)")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await line in lines {
                            guard chat else {
                                try await outbound.write(.text(line))
                                continue
                            }
                            switch await display.action(for: line) {
                            case .send(let json): try await outbound.write(.text(json))
                            case .tell(let text): say(text)
                            }
                        }
                        await session.closeSent()
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    // The connection is over when the server stops sending, whether or not input has ended.
                    for try await message in inbound.messages(maxSize: maxSize) {
                        switch message {
                        case .text(let text):
                            if let shown = chat ? await display.render(text) : text { say(shown) }
                        case .binary(let buffer): say("<binary message, \(buffer.readableBytes) bytes>")
                        }
                    }
                    group.cancelAll()
                }
            }
            printStatus(Self.describe(closeFrame, weClosed: await session.didSendClose))
        } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
            printStatus("the server refused the handshake (try the same request with curl -i to see its status and reason)")
            throw ExitCode.failure
        } catch let error as NIOConnectionError {
            printStatus("could not connect to \(error.host), port \(error.port): \(Self.reason(error))")
            throw ExitCode.failure
        }
    }

    /// The URL with an `access_token` query value left out, so that a token never reaches the screen
    /// or a terminal's scrollback.
    static func withoutToken(_ url: String) -> String {
        url.replacing(#/([?&]access_token=)[^&#]*/#) { $0.output.1 + "…" }
    }

    /// Why no connection could be made, as the system put it (such as "Connection refused").
    static func reason(_ error: NIOConnectionError) -> String {
        let failures = error.connectionErrors.map { failure in
            (failure.error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(failure.error)"
        }
        if failures.isEmpty { return "no address found for \(error.host)" }
        return Set(failures).sorted().joined(separator: "; ")
    }

    /// The system's trust roots, plus `--cacert`'s certificate when given; nil leaves the default.
    func tlsConfiguration() throws -> TLSConfiguration? {
        guard let cacert else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(cacert))]
        return configuration
    }

    /// The handshake fields from `--header` and `--subprotocol`.
    func handshakeFields() throws -> HTTPFields {
        var fields = HTTPFields()
        for header in headers {
            guard let colon = header.firstIndex(of: ":"), let name = HTTPField.Name(String(header[..<colon])) else {
                throw ValidationError("A header is 'Name: value', not '\(header)'.")
            }
            fields.append(HTTPField(name: name, value: String(header[header.index(after: colon)...]).trimmingSpaces))
        }
        let offered = chat && subprotocols.isEmpty ? ["chat.v1"] : subprotocols
        if !offered.isEmpty {
            fields[.secWebSocketProtocol] = offered.joined(separator: ", ")
        }
        return fields
    }

    /// Lines from standard input, read on a thread of their own so that reading never blocks the
    /// connection's tasks.
    static func standardInputLines() -> AsyncStream<String> {
        AsyncStream { continuation in
            DispatchQueue.global().async {
                while let line = readLine() {
                    continuation.yield(line)
                }
                continuation.finish()
            }
        }
    }

    /// The close code and reason, as RFC 6455 §7.4 numbers them.
    static func describe(_ frame: WebSocketCloseFrame?, weClosed: Bool) -> String {
        guard let frame else {
            return weClosed ? "closed: 1000 (normal closure), at the end of input" : "connection ended without a close frame"
        }
        let code = UInt16(webSocketErrorCode: frame.closeCode)
        let reason = frame.reason.map { $0.isEmpty ? "" : " \"\($0)\"" } ?? ""
        return "closed: \(code) (\(frame.closeCode))\(reason)"
    }
}

/// The chat mode's state, shared by the task that reads input and the one that prints replies.
actor ChatDisplay {
    private var mode = ChatMode()
    func action(for line: String) -> ChatMode.Action { mode.action(for: line) }
    func render(_ text: String) -> String? { mode.render(text) }
}

/// What the client did that the report at the end depends on.
actor Session {
    private(set) var didSendClose = false
    func closeSent() { didSendClose = true }
}

/// A line of what the server sent, on standard output at once, even into a pipe, so that
/// `wsclient … | tee` shows each message as it arrives.
///
/// Written to the file descriptor, past stdio: `fflush(nil)` flushes every stream, standard input
/// included, and so waits for its lock, which the thread reading the next typed line holds while it
/// waits. A message that arrived while nobody was typing hung the client (the lock stayed taken).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Status lines go to standard error, so that standard output carries only what the server sent.
func printStatus(_ text: String) {
    var standardError = StandardError()
    print("wsclient: \(text)", to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
