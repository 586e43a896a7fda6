import Foundation
import Logging
import Metrics
import NIOCore
import NIOWebSocket

/// Carries out what one connection's ``ChatSession`` asks, and brings the results back to it as
/// events, on the connection's event loop.
///
/// It is the only part of a connection that does I/O for the chat: it registers the connection in
/// the hub, hands commits to the store's writer, reads history, checks tokens, and keeps the
/// expiry timer. Results that arrive on other threads hop back onto the event loop before the
/// session sees them, so the session is only ever touched from there.
final class ChatConnection: ConnectionSession {
    struct Services: Sendable {
        let hub: Hub
        let store: any MessageStore
        /// Checks tokens presented in-band; `nil` where the server uses no tokens.
        let tokens: TokenService?
        let metrics: ChatMetrics
    }

    private var session: ChatSession
    private let services: Services
    private let outbox: Outbox
    private let eventLoop: any EventLoop
    /// The server's logger, shared: who the connection is goes into each line's metadata instead of a
    /// copy of the logger per connection, which would cost every idle connection its own storage.
    private let logger: Logger
    private var id: ConnectionID?
    private var control: ConnectionControl?
    private var expiryTimer: Scheduled<Void>?
    /// Commits asked for in this turn of the event loop, with their `ref`s.
    private var commitsDue: [(MessageStore.Draft, String?)] = []

    init(identity: Identity, limiter: RateLimiter, services: Services, outbox: Outbox, eventLoop: any EventLoop, logger: Logger) {
        self.session = ChatSession(identity: identity, usesTokens: services.tokens != nil, limiter: limiter)
        self.services = services
        self.outbox = outbox
        self.eventLoop = eventLoop
        self.logger = logger
    }

    // MARK: ConnectionSession

    func opened(_ connection: ConnectionControl) {
        control = connection
        let id = services.hub.connect(user: session.user, outbox: outbox)
        self.id = id
        logger.info("WebSocket connected", metadata: logMetadata)
        services.metrics.connections.increment()
        let channel = connection.channel
        outbox.whenOverflowed { [logger, logMetadata] in
            logger.notice("Closing a connection too slow to keep up", metadata: logMetadata)
            // Its close frame waits behind a full socket: give it a moment, then cut the connection.
            channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        }
        perform(session.start())
    }

    func received(_ message: WebSocketProtocol.Message) -> [ConnectionSessionAction] {
        services.metrics.messagesIn.increment()
        switch message {
        case .text(let text): handle(.received(text, at: .now))
        case .binary: handle(.receivedBinary(at: .now))
        }
        return []
    }

    var isReadyForMore: Bool { session.isReadyForMore }

    func wrote(messages count: Int) {
        services.metrics.messagesOut.increment(by: Int64(count))
    }

    func sentClose(_ code: WebSocketErrorCode) {
        services.metrics.closes(String(UInt16(webSocketErrorCode: code))).increment()
    }

    func inputEnded() -> Bool {
        handle(.inputEnded)
        return true
    }

    func closed() {
        expiryTimer?.cancel()
        guard let id else { return }
        services.hub.disconnect(id)
        services.metrics.connections.decrement()
        logger.info("WebSocket disconnected", metadata: logMetadata)
    }

    private var logMetadata: Logger.Metadata {
        ["connection": "\(id.map { "\($0)" } ?? "-")", "user": "\(session.user)"]
    }

    // MARK: Events and actions

    private func handle(_ event: ChatSession.Event) {
        perform(session.handle(event))
        if session.isReadyForMore { control?.resumeReading() }
    }

    private func perform(_ actions: [ChatSession.Action]) {
        for action in actions {
            perform(action)
        }
    }

    private func perform(_ action: ChatSession.Action) {
        guard let id else { return }
        let (hub, store, outbox) = (services.hub, services.store, self.outbox)
        switch action {
        case .reply(let message):
            if case .error(let error) = message { services.metrics.errors(error.code).increment() }
            outbox.send(message)

        case .commit(let draft, let ref):
            // Handed to the store together at the end of this turn of the event loop: commits that
            // become due together then share one transaction and their fan-outs share writes.
            commitsDue.append((draft, ref))
            if commitsDue.count == 1 {
                let connection = NIOLoopBound(self, eventLoop: eventLoop)
                eventLoop.execute { connection.value.commitDue() }
            }

        case .join(let room, let since, let limit, let ref):
            run {
                try await store.recentMessages(in: room, since: since, limit: limit) { messages in
                    hub.join(id, room: room) { members in
                        outbox.send(.joined(room: room, members: members, messages: messages, ref: ref))
                    }
                }
                return .joined(room: room)
            }

        case .leave(let room):
            hub.leave(id, room: room)

        case .loadHistory(let room, let before, let limit, let ref):
            run { .historyLoaded(room: room, messages: try await store.messages(in: room, before: before, limit: limit), ref: ref) }

        case .loadDirects(let since, let limit, let ref):
            let user = session.user
            run { .directsLoaded(messages: try await store.directMessages(of: user, since: since, limit: limit), ref: ref) }

        case .verify(let token, let ref):
            guard let tokens = services.tokens else { return }
            run {
                do throws(InvalidToken) {
                    return .verified(.success(try await tokens.verify(token)), ref: ref)
                } catch {
                    return .verified(.failure(error), ref: ref)
                }
            }

        case .watchExpiry(let expiresAt):
            expiryTimer?.cancel()
            guard let expiresAt else { return }
            let loop = NIOLoopBound(self, eventLoop: eventLoop)
            let delay = TimeAmount.milliseconds(Int64(max(0, expiresAt.timeIntervalSinceNow) * 1000) + 1)
            expiryTimer = eventLoop.scheduleTask(in: delay) { loop.value.handle(.expiryTimerFired(now: Date())) }

        case .close(let code, let reason):
            outbox.close(code, reason: reason)

        case .failServer(let description):
            let ref = ErrorReference.make()
            logger.error(
                "Closing a connection after a server error",
                metadata: logMetadata.merging(["error": "\(description)", "ref": "\(ref)"]) { $1 }
            )
            outbox.close(.unexpectedServerError, reason: "server error (ref \(ref))")
        }
    }

    /// Hands the store every commit that became due in this turn of the event loop.
    private func commitDue() {
        guard let id else { return }
        let (hub, store, outbox, eventLoop) = (services.hub, services.store, self.outbox, self.eventLoop)
        let connection = NIOLoopBound(self, eventLoop: eventLoop)
        let due = commitsDue
        commitsDue.removeAll()
        for (draft, ref) in due {
            store.append(draft) { message in
                // Fanned out as it is committed, in commit order: a room's messages leave in id order.
                let (recipients, sender) = ServerMessage.frames(of: message, ref: ref)
                if let room = message.room {
                    hub.broadcast(recipients, to: room, from: id, ownCopy: sender)
                } else {
                    // The recipient's connections, and the sender's others, so that every device agrees.
                    hub.deliver(recipients, toUsers: [message.to ?? "", message.from], except: id)
                    outbox.send(sender)
                }
            } completion: { result in
                let event: ChatSession.Event =
                    switch result {
                    case .success(let (stored, isNew)): .committed(stored, isNew: isNew, ref: ref)
                    case .failure(let error): .failed("\(error)")
                    }
                eventLoop.execute { connection.value.handle(event) }
            }
        }
    }

    /// Runs work that awaits (the store's reads, a token check) in a task of its own, and hands its
    /// result to the session; a failure closes the connection with 1011.
    private func run(_ work: @escaping @Sendable () async throws -> ChatSession.Event) {
        let connection = NIOLoopBound(self, eventLoop: eventLoop)
        let eventLoop = self.eventLoop
        Task {
            let event: ChatSession.Event
            do {
                event = try await work()
            } catch {
                event = .failed("\(error)")
            }
            eventLoop.execute { connection.value.handle(event) }
        }
    }
}
