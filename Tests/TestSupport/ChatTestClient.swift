import Foundation
public import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket

/// A message the chat server sent, with every field any message type may have.
public struct Received: Decodable, Sendable, Equatable {
    public var type: String
    public var ref: String?
    public var room: String?
    public var members: [String]?
    public var messages: [Received]?
    public var user: String?
    public var event: String?
    public var code: String?
    public var detail: String?
    public var id: Int64?
    public var from: String?
    public var to: String?
    public var text: String?
    public var at: String?
    public var clientID: String?
    /// How long a `rate_limited` refusal asks the client to wait.
    public var retryAfterMilliseconds: Int?

    enum CodingKeys: String, CodingKey {
        case type, ref, room, members, messages, user, event, code, detail, id, from, to, text, at
        case clientID = "client_id"
        case retryAfterMilliseconds = "retry_after_ms"
    }

    /// A message inside `joined` or `history` has no `type` of its own.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "stored"
        ref = try container.decodeIfPresent(String.self, forKey: .ref)
        room = try container.decodeIfPresent(String.self, forKey: .room)
        members = try container.decodeIfPresent([String].self, forKey: .members)
        messages = try container.decodeIfPresent([Received].self, forKey: .messages)
        user = try container.decodeIfPresent(String.self, forKey: .user)
        event = try container.decodeIfPresent(String.self, forKey: .event)
        code = try container.decodeIfPresent(String.self, forKey: .code)
        detail = try container.decodeIfPresent(String.self, forKey: .detail)
        id = try container.decodeIfPresent(Int64.self, forKey: .id)
        from = try container.decodeIfPresent(String.self, forKey: .from)
        to = try container.decodeIfPresent(String.self, forKey: .to)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        at = try container.decodeIfPresent(String.self, forKey: .at)
        clientID = try container.decodeIfPresent(String.self, forKey: .clientID)
        retryAfterMilliseconds = try container.decodeIfPresent(Int.self, forKey: .retryAfterMilliseconds)
    }
}

/// One live chat connection under a test's control: send JSON, wait for what comes back.
public actor ChatTestClient {
    /// Why waiting for a message ended without one.
    public enum Failure: Error, CustomStringConvertible {
        case timedOut(waitingFor: String)
        case closed(waitingFor: String)
        case unreadable(String)

        public var description: String {
            switch self {
            case .timedOut(let what): "timed out waiting for \(what)"
            case .closed(let what): "the connection closed while waiting for \(what)"
            case .unreadable(let text): "the server sent something that is not a chat message: \(text)"
            }
        }
    }

    private var inbox: [String] = []
    private var isClosed = false
    nonisolated let outgoing: AsyncStream<WebSocketOutboundWriter.OutboundFrame>.Continuation
    private let frames: AsyncStream<WebSocketOutboundWriter.OutboundFrame>

    init() {
        (frames, outgoing) = AsyncStream.makeStream(of: WebSocketOutboundWriter.OutboundFrame.self)
    }

    /// Sends one text frame.
    public nonisolated func send(_ json: String) {
        outgoing.yield(.text(json))
    }

    /// Sends a binary frame.
    public nonisolated func sendBinary(_ bytes: [UInt8]) {
        outgoing.yield(.binary(ByteBuffer(bytes: bytes)))
    }

    /// Sends a text frame of these bytes, UTF-8 or not.
    public nonisolated func sendText(bytes: [UInt8]) {
        sendFrame(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: bytes)))
    }

    /// Sends one frame as it is (masked, as a client's frames are): a fragment, say.
    public nonisolated func sendFrame(_ frame: WebSocketFrame) {
        outgoing.yield(.custom(frame))
    }

    /// The next message, whatever its type.
    public func next(timeout: Duration = .seconds(5)) async throws -> Received {
        try await next(where: { _ in true }, describedAs: "a message", timeout: timeout)
    }

    /// The next message of this type; messages of other types before it are passed over.
    public func next(_ type: String, timeout: Duration = .seconds(5)) async throws -> Received {
        try await next(where: { $0.type == type }, describedAs: "a \(type) message", timeout: timeout)
    }

    /// Waits until the server has closed the connection, passing over whatever it sent first.
    public func waitUntilClosed(timeout: Duration = .seconds(5)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isClosed {
            inbox.removeAll()
            guard ContinuousClock.now < deadline else { throw Failure.timedOut(waitingFor: "the close") }
            await waitForChange(until: deadline)
        }
    }

    private func next(where matches: (Received) -> Bool, describedAs what: String, timeout: Duration) async throws -> Received {
        let deadline = ContinuousClock.now + timeout
        while true {
            while !inbox.isEmpty {
                let text = inbox.removeFirst()
                guard let message = try? JSONDecoder().decode(Received.self, from: Data(text.utf8)) else {
                    throw Failure.unreadable(text)
                }
                if matches(message) { return message }
            }
            if isClosed { throw Failure.closed(waitingFor: what) }
            guard ContinuousClock.now < deadline else { throw Failure.timedOut(waitingFor: what) }
            await waitForChange(until: deadline)
        }
    }

    /// Lets the connection's reader run; polling keeps the waiting simple and free of lost wake-ups.
    private func waitForChange(until deadline: ContinuousClock.Instant) async {
        try? await Task.sleep(for: .milliseconds(5))
    }

    fileprivate func deliver(_ text: String) {
        inbox.append(text)
    }

    fileprivate func markClosed() {
        isClosed = true
    }

    fileprivate nonisolated var framesToSend: AsyncStream<WebSocketOutboundWriter.OutboundFrame> { frames }
}

/// Opens a chat connection as `name` (or on `path`, such as `/ws?access_token=…`), runs `body` with
/// it, then closes it normally unless the server closed it first.
///
/// - Returns: what `body` returns, and the close frame the server sent, if it sent one.
@discardableResult
public func withChatClient<Value: Sendable>(
    port: Int,
    name: String = "",
    path: String? = nil,
    headers: HTTPFields = [.secWebSocketProtocol: "chat.v1"],
    maxFrameSize: Int = 1 << 20,
    extensions: [WebSocketExtensionFactory] = [],
    _ body: @escaping @Sendable (ChatTestClient) async throws -> Value
) async throws -> (value: Value, close: WebSocketCloseFrame?) {
    let client = ChatTestClient()
    let result = ResultBox<Value>()
    let closeFrame = try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(port)\(path ?? "/ws?name=\(name)")",
        configuration: .init(maxFrameSize: maxFrameSize, additionalHeaders: headers, extensions: extensions),
        logger: Logger(label: "chat-test-client")
    ) { inbound, outbound, _ in
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Ended however it ends: a reader that throws (a reset, say) must not leave the test
                // waiting for a close that has already happened.
                do {
                    for try await message in inbound.messages(maxSize: 1 << 22) {
                        if case .text(let text) = message { await client.deliver(text) }
                    }
                } catch {
                    await client.markClosed()
                    throw error
                }
                await client.markClosed()
            }
            group.addTask {
                for await frame in client.framesToSend {
                    try await outbound.write(frame)
                }
            }
            await result.set(try await body(client))
            client.outgoing.finish()
            group.cancelAll()
        }
    }
    guard let value = await result.value else { throw ChatTestClient.Failure.closed(waitingFor: "the test to finish") }
    return (value, closeFrame)
}

private actor ResultBox<Value: Sendable> {
    var value: Value?
    func set(_ value: Value) { self.value = value }
}

extension WebSocketCloseFrame {
    /// The close code as RFC 6455 §7.4 numbers it.
    public var code: UInt16 { UInt16(webSocketErrorCode: closeCode) }
    /// The close reason, or an empty one.
    public var reasonText: String { reason ?? "" }
}
