import ChatServer
public import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
public import NIOCore
import NIOWebSocket

/// The learner's pieces of lesson 6's fast path: the connection limit, the room, a new outbox for
/// each connection, a new session for each connection, and how a message is encoded (a hook, so
/// that a check can count the encodings).
public struct FastRelay: Sendable {
    public var limit: any ConnectionLimiting
    public var room: any BroadcastRoom
    public var makeOutbox: @Sendable () throws -> any BoundedFrameOutbox
    public var makeSession: @Sendable () throws -> any Relaying
    public var encode: @Sendable (RelayedMessage) throws -> ByteBuffer

    public init(
        limit: any ConnectionLimiting,
        room: any BroadcastRoom,
        makeOutbox: @escaping @Sendable () throws -> any BoundedFrameOutbox,
        makeSession: @escaping @Sendable () throws -> any Relaying,
        encode: @escaping @Sendable (RelayedMessage) throws -> ByteBuffer = RelayedMessage.encode
    ) {
        self.limit = limit
        self.room = room
        self.makeOutbox = makeOutbox
        self.makeSession = makeSession
        self.encode = encode
    }
}

/// A request context that keeps the connection's channel, so that a connection whose outbox
/// overflowed can be cut even while its writer waits on a full socket.
struct RelayRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}

/// Lesson 6's server: two broadcast servers side by side on one port, so that `wsbench` can load
/// each in turn with the same command. Every text a client sends goes to every connection on its
/// path, as `{"text":"…"}`.
///
/// - `/naive`: what lessons 1 to 5 would write first: a task per connection, an actor for the room,
///   one JSON encoding and one actor hop per recipient, and an unbounded queue per connection.
/// - `/fast`: the learner's pieces (``FastRelay``): a connection limit checked before the upgrade,
///   one encoding per broadcast shared by every recipient, a bounded outbox per connection that cuts
///   a reader too slow to keep up, and the connection's rules as a sans-IO session.
///
/// - Parameters:
///   - fast: the learner's pieces (or the reference's).
///   - configuration: where the application listens.
/// - Returns: the application, not yet running.
public func buildRelayLessonServer(fast: FastRelay, configuration: ApplicationConfiguration) -> any ApplicationProtocol {
    let naiveRoom = NaiveRoom()
    let router = Router(context: RelayRequestContext.self)
    router.ws("/naive") { inbound, outbound, _ in
        try await serveNaive(room: naiveRoom, inbound: inbound, outbound: outbound)
    }
    router.ws("/fast") { inbound, outbound, context in
        try await serveFast(fast, channel: context.requestContext.channel, inbound: inbound, outbound: outbound)
    }
    let policy = HandshakePolicy(allowedOrigins: [], subprotocols: [])
    let limit = fast.limit
    let decide: @Sendable (HTTPRequest) async throws -> UpgradeDecision = { request in
        let decision = policy.decide(request)
        guard case .accept = decision, URI(request.path ?? "").path == "/fast" else { return decision }
        // Only the fast path has a limit; a refusal is an HTTP status, before any upgrade.
        return try limit.decide()
    }
    let webSocket = WebSocketServerConfiguration(maxFrameSize: 1 << 20)
    return Application(
        router: Router(),
        server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: webSocket), guardedBy: decide),
        configuration: configuration
    )
}

// MARK: The naive path

/// One connection of the naive path: an actor, so that the room reaches it with a hop.
private actor NaiveMember {
    let way: AsyncStream<String>.Continuation

    init(way: AsyncStream<String>.Continuation) {
        self.way = way
    }

    /// Queues a message; the queue has no bound.
    func deliver(_ text: String) {
        way.yield(text)
    }
}

/// The naive path's room: an actor holding every member.
private actor NaiveRoom {
    private var members: [Int: NaiveMember] = [:]
    private var nextID = 0

    func join(_ member: NaiveMember) -> Int {
        defer { nextID += 1 }
        members[nextID] = member
        return nextID
    }

    func leave(_ id: Int) {
        members[id] = nil
    }

    /// For each member: encode the message again, and wait for the member's actor to take it.
    func broadcast(_ message: RelayedMessage) async throws {
        for member in members.values {
            let text = String(buffer: try RelayedMessage.encode(message))
            await member.deliver(text)
        }
    }
}

private func serveNaive(room: NaiveRoom, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
    let (outgoing, way) = AsyncStream.makeStream(of: String.self)
    let id = await room.join(NaiveMember(way: way))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            for await text in outgoing {
                try await outbound.write(.text(text))
            }
        }
        // Left however the reading ends; a `defer` cannot wait for the room's actor.
        do {
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                try await room.broadcast(RelayedMessage(text: text))
            }
        } catch {
            await room.leave(id)
            throw error
        }
        await room.leave(id)
        group.cancelAll()
    }
}

// MARK: The fast path

/// The learner's outbox with a doorbell: the connection's writer waits on the bell, never on the
/// outbox, and a connection whose outbox overflowed is cut at once.
private final class RingingOutbox: FrameOutbox {
    let outbox: any BoundedFrameOutbox
    let bell: AsyncStream<Void>.Continuation
    let channel: any Channel

    init(outbox: any BoundedFrameOutbox, bell: AsyncStream<Void>.Continuation, channel: any Channel) {
        self.outbox = outbox
        self.bell = bell
        self.channel = channel
    }

    func enqueue(_ payload: ByteBuffer) throws {
        try outbox.enqueue(payload)
        if try outbox.hasOverflowed() {
            // Its writer may be stuck behind a full socket, Close frame and all: cut it.
            channel.close(promise: nil)
        }
        bell.yield()
    }
}

private func serveFast(_ fast: FastRelay, channel: any Channel, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
    try fast.limit.opened()
    defer { try? fast.limit.closed() }
    let outbox = try fast.makeOutbox()
    var session = try fast.makeSession()
    let (rings, bell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    let id = try fast.room.join(RingingOutbox(outbox: outbox, bell: bell, channel: channel))
    defer { try? fast.room.leave(id) }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            writing: for await _ in rings {
                switch try outbox.take() {
                case .empty:
                    continue
                case .messages(let payloads):
                    for payload in payloads {
                        // The same buffer for every recipient: NIO writes the frame's header, then it.
                        try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: payload)))
                    }
                case .close(let code, let reason):
                    try await outbound.close(code, reason: reason)
                    break writing
                }
            }
        }
        reading: for try await message in inbound.messages(maxSize: 1 << 20) {
            let event: RelayEvent
            switch message {
            case .text(let text): event = .text(text)
            case .binary(let buffer): event = .binary(buffer.readableBytes)
            }
            for action in try session.handle(event) {
                switch action {
                case .broadcast(let relayed):
                    try fast.room.broadcast(relayed, encode: fast.encode)
                case .close(let code, let reason):
                    try await outbound.close(code, reason: reason)
                    break reading
                }
            }
        }
        group.cancelAll()
    }
}
