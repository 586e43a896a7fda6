import Metrics
import NIOWebSocket

/// One connection's side of the conversation: it reads the client's messages, answers them, and
/// tells the hub and the store what they need to know.
///
/// A session handles one message at a time, in the order they arrive; it belongs to its connection's
/// task and is never shared. Only the commits of `send` and `direct` overlap the reading of the
/// next message (``SendPipeline``); every other answer waits for them, so answers keep the order of
/// the requests.
struct ChatSession {
    /// What the connection should do after a message.
    enum Outcome: Equatable {
        case carryOn
        case close(WebSocketErrorCode, reason: String)
    }

    let id: ConnectionID
    let grant: Grant
    /// Checks the token of an `auth` message; `nil` where the server uses no tokens.
    let tokens: TokenService?
    let hub: Hub
    let store: MessageStore
    let outbox: Outbox
    let metrics: ChatMetrics
    var limiter: RateLimiter
    /// Sends whose commit is under way.
    let pipeline: SendPipeline
    /// Told when a send fails in the store after the session has moved on: the connection must close
    /// with 1011.
    let onServerError: @Sendable (any Error) -> Void

    /// Handles one text message from the client.
    ///
    /// - Returns: whether to carry on or to close the connection, and how.
    /// - Throws: only what the server itself failed at (the store, say): the connection then closes
    ///   with 1011. Whatever the client got wrong is answered with an `error` event instead.
    mutating func receive(_ text: String, at now: ContinuousClock.Instant) async throws -> Outcome {
        metrics.messagesIn.increment()
        switch limiter.admit(at: now) {
        case .allow:
            break
        case .refuse:
            await refuse(ProtocolError(.rateLimited, "more than \(Int(limiter.rate)) messages a second; wait, then resend"))
            return .carryOn
        case .disconnect:
            await pipeline.drained()
            return .close(.policyViolation, reason: "rate limit exceeded")
        }
        do {
            try await handle(try ClientEnvelope(decoding: text))
        } catch let error as ProtocolError {
            await refuse(error)
        }
        return .carryOn
    }

    /// Answers with an error, after the answers to the sends before it.
    private func refuse(_ error: ProtocolError) async {
        await pipeline.drained()
        metrics.errors(error.code).increment()
        outbox.send(.error(error))
    }

    private func handle(_ envelope: ClientEnvelope) async throws {
        let (id, user, hub, outbox, ref) = (id, grant.user, hub, outbox, envelope.ref)
        try Self.authorize(envelope.message, scopes: grant.scopes, ref: ref)
        switch envelope.message {
        case .send, .direct: break
        default: await pipeline.drained()
        }
        switch envelope.message {
        case .join(let room, let since):
            // Joining inside the store's read keeps every message seen exactly once: in `joined`, or live.
            let limit = since == nil ? Limits.defaultHistory : Limits.maxHistory
            try await store.recentMessages(in: room, since: since, limit: limit) { messages in
                let members = hub.join(id, room: room)
                outbox.send(.joined(room: room, members: members, messages: messages, ref: ref))
            }

        case .leave(let room):
            guard hub.leave(id, room: room) else { throw Self.notMember(room, ref: ref) }
            outbox.send(.left(room: room, ref: ref))

        case .send(let room, let text, let clientID):
            guard hub.isMember(id, of: room) else { throw Self.notMember(room, ref: ref) }
            let draft = MessageStore.Draft(room: room, from: user, text: text, clientID: clientID)
            await commit(draft) { message in
                hub.broadcast(.message(message, ref: nil), to: room, except: id)
                outbox.send(.message(message, ref: ref))
            } answeringResendWith: { stored in
                .message(stored, ref: ref)
            }

        case .history(let room, let before, let limit):
            guard hub.isMember(id, of: room) else { throw Self.notMember(room, ref: ref) }
            let messages = try await store.messages(in: room, before: before, limit: limit)
            outbox.send(.history(room: room, messages: messages, ref: ref))

        case .direct(let recipient, let text, let clientID):
            let draft = MessageStore.Draft(to: recipient, from: user, text: text, clientID: clientID)
            await commit(draft) { message in
                // The recipient's connections, and the sender's others, so that every device agrees.
                hub.deliver(.direct(message, ref: nil), toUsers: [recipient, user], except: id)
                outbox.send(.direct(message, ref: ref))
            } answeringResendWith: { stored in
                .direct(stored, ref: ref)
            }

        case .directs(let since):
            // Unlike `join`, this does not start delivery: the user's connections receive direct
            // messages from the start. One committed meanwhile may come both live and in the list;
            // clients keep messages by id.
            let limit = since == nil ? Limits.defaultHistory : Limits.maxHistory
            let messages = try await store.directMessages(of: user, since: since, limit: limit)
            outbox.send(.directs(messages: messages, ref: ref))

        case .auth(let token):
            try await renew(with: token, ref: ref)
        }
    }

    /// Stores a message without waiting for its commit (see ``SendPipeline``). A new message fans out
    /// from `onCommit`; a resend is answered with the message stored the first time.
    private func commit(
        _ draft: MessageStore.Draft,
        onCommit: @escaping @Sendable (ChatMessage) -> Void,
        answeringResendWith answer: @escaping @Sendable (ChatMessage) -> ServerMessage
    ) async {
        await pipeline.begin()
        store.append(draft, onCommit: onCommit) { [pipeline, outbox, onServerError] result in
            switch result {
            case .success(let (stored, isNew)):
                if !isNew { outbox.send(answer(stored)) }
            case .failure(let error):
                onServerError(error)
            }
            pipeline.end()
        }
    }

    /// Refuses a message whose scope the connection lacks.
    private static func authorize(_ message: ClientMessage, scopes: Set<String>, ref: String?) throws(ProtocolError) {
        let needed: String? =
            switch message {
            case .send, .direct: ChatScope.write
            case .join, .history, .leave, .directs: ChatScope.read
            case .auth: nil
            }
        if let needed, !scopes.contains(needed) {
            throw ProtocolError(.forbidden, "this needs the scope \(needed)", ref: ref)
        }
    }

    /// Takes a fresh token for the same user; anything else leaves the old grant as it was.
    private func renew(with token: String, ref: String?) async throws(ProtocolError) {
        guard let tokens else {
            throw ProtocolError(.invalidToken, "this server does not use tokens", ref: ref)
        }
        let identity: Identity
        do {
            identity = try await tokens.verify(token)
        } catch {
            throw ProtocolError(.invalidToken, error.reason, ref: ref)
        }
        guard identity.user == grant.user else {
            throw ProtocolError(.invalidToken, "the token is for another user", ref: ref)
        }
        grant.renew(with: identity)
        outbox.send(.authenticated(user: identity.user, expiresAt: identity.expiresAt, ref: ref))
    }

    private static func notMember(_ room: String, ref: String?) -> ProtocolError {
        ProtocolError(.notMember, "join \(room) first", ref: ref)
    }
}
