import DequeModule
import Foundation
import NIOWebSocket

/// One connection's side of the chat protocol, as a value: events in, actions out, and no I/O.
///
/// It decides what each client message means, in what order the answers go, and when the connection
/// must close; a ``ChatConnection`` carries out what it asks (the store, the hub, the outbox, the
/// timers) and brings the results back as events. It takes no lock, awaits nothing and touches no
/// socket, so its tests drive it event by event.
///
/// Answers keep the order of the requests. Only sends overlap: up to ``sendLimit`` messages may be
/// committing while the next ones are read, so that a busy sender's messages share commits and
/// writes. Anything else waits until the sends before it are committed, and while a join, a read or
/// a token check is under way, nothing after it starts. What waits is kept in order in a backlog;
/// when the backlog is full, ``isReadyForMore`` tells the connection to stop reading.
struct ChatSession {
    /// What happened to the connection.
    enum Event: Sendable {
        /// A text message from the client.
        case received(String, at: ContinuousClock.Instant)
        /// A binary message from the client: the protocol has none.
        case receivedBinary(at: ContinuousClock.Instant)
        /// A `commit` finished: the message as stored, and whether it is new (not a resend).
        case committed(ChatMessage, isNew: Bool, ref: String?)
        /// A `join` finished: the client has its `joined` answer, and the room's messages reach it.
        case joined(room: String)
        /// A `loadHistory` finished.
        case historyLoaded(room: String, messages: [ChatMessage], ref: String?)
        /// A `loadDirects` finished.
        case directsLoaded(messages: [ChatMessage], ref: String?)
        /// A `verify` finished: the token's identity, or why it was refused.
        case verified(Result<Identity, InvalidToken>, ref: String?)
        /// The store failed the server: the connection closes with 1011.
        case failed(String)
        /// The timer set by `watchExpiry` fired.
        case expiryTimerFired(now: Date)
        /// The client closed its side of the connection: it sends nothing more, but what it sent is
        /// still answered before the connection closes.
        case inputEnded
    }

    /// What the connection must do.
    enum Action: Sendable, Equatable {
        /// Send this message to the client, after what is queued.
        case reply(ServerMessage)
        /// Store a message. Once it is committed, a new message fans out (to the room, or to both
        /// users' connections) and reaches the client with `ref`; then `committed` comes back.
        case commit(MessageStore.Draft, ref: String?)
        /// Read a room's recent messages and, inside that read, join the room and answer `joined`:
        /// every message then reaches the client once, in the answer or live. Then `joined` comes back.
        case join(room: String, since: Int64?, limit: Int, ref: String?)
        /// Take the connection out of a room.
        case leave(room: String)
        /// Read a page of a room's history; `historyLoaded` comes back.
        case loadHistory(room: String, before: Int64?, limit: Int, ref: String?)
        /// Read the user's direct messages; `directsLoaded` comes back.
        case loadDirects(since: Int64?, limit: Int, ref: String?)
        /// Check a token; `verified` comes back.
        case verify(token: String, ref: String?)
        /// Fire `expiryTimerFired` at this time, replacing any timer set before; `nil` for none.
        case watchExpiry(at: Date?)
        /// Close the connection with this code and reason, after what is queued.
        case close(WebSocketErrorCode, reason: String)
        /// Close the connection with 1011 and a fresh reference, and log what failed under it.
        case failServer(String)
    }

    /// What is waiting its turn.
    private enum Pending {
        case request(ClientEnvelope)
        case refusal(ProtocolError)
        case close(WebSocketErrorCode, reason: String)
    }

    /// Sends committing at once, at most.
    static let sendLimit = 128
    /// Messages waiting their turn, at most, before the connection stops reading.
    static let backlogLimit = 128

    let user: String
    /// Whether the server uses tokens: without them, `auth` is refused.
    let usesTokens: Bool
    private(set) var scopes: Set<String>
    private(set) var expiresAt: Date?
    private(set) var rooms: Set<String> = []
    private var limiter: RateLimiter
    private var backlog = Deque<Pending>()
    private var sendsInFlight = 0
    /// A join, a read or a token check is under way: nothing else starts until it comes back.
    private var isAwaiting = false
    private var isClosed = false
    private var hasInputEnded = false

    init(identity: Identity, usesTokens: Bool, limiter: RateLimiter) {
        user = identity.user
        scopes = identity.scopes
        expiresAt = identity.expiresAt
        self.usesTokens = usesTokens
        self.limiter = limiter
    }

    /// Whether the connection may read more messages now.
    var isReadyForMore: Bool { backlog.count < Self.backlogLimit }

    /// What to do as the connection opens.
    func start() -> [Action] {
        expiresAt == nil ? [] : [.watchExpiry(at: expiresAt)]
    }

    /// Takes one event; returns what to do, in order.
    mutating func handle(_ event: Event) -> [Action] {
        var actions: [Action] = []
        switch event {
        case .received(let text, let now):
            guard admit(at: now) else { break }
            do {
                backlog.append(.request(try ClientEnvelope(decoding: text)))
            } catch {
                backlog.append(.refusal(error))
            }
        case .receivedBinary(let now):
            guard admit(at: now) else { break }
            backlog.append(.close(.unacceptableData, reason: "binary messages are not accepted"))
        case .committed(let message, let isNew, let ref):
            sendsInFlight -= 1
            // A resend is answered with the message stored the first time; a new one was delivered
            // as it was committed.
            if !isNew, !isClosed {
                actions.append(.reply(message.room == nil ? .direct(message, ref: ref) : .message(message, ref: ref)))
            }
        case .joined(let room):
            isAwaiting = false
            rooms.insert(room)
        case .historyLoaded(let room, let messages, let ref):
            isAwaiting = false
            actions.append(.reply(.history(room: room, messages: messages, ref: ref)))
        case .directsLoaded(let messages, let ref):
            isAwaiting = false
            actions.append(.reply(.directs(messages: messages, ref: ref)))
        case .verified(let result, let ref):
            isAwaiting = false
            actions += renew(result, ref: ref)
        case .failed(let description):
            isAwaiting = false
            if !isClosed { actions.append(.failServer(description)) }
            isClosed = true
        case .inputEnded:
            hasInputEnded = true
        case .expiryTimerFired(let now):
            guard !isClosed, let expiresAt else { break }
            if expiresAt > now {
                actions.append(.watchExpiry(at: expiresAt))
            } else {
                isClosed = true
                actions.append(.close(.policyViolation, reason: "token expired"))
            }
        }
        if isClosed { return actions }
        actions += advance()
        if hasInputEnded, !isClosed, !isAwaiting, sendsInFlight == 0, backlog.isEmpty {
            isClosed = true
            actions.append(.close(.normalClosure, reason: ""))
        }
        return actions
    }

    /// Applies the rate limit to a message arriving at `now`: what it refuses still gets its answer,
    /// in turn.
    private mutating func admit(at now: ContinuousClock.Instant) -> Bool {
        guard !isClosed else { return false }
        switch limiter.admit(at: now) {
        case .allow:
            return true
        case .refuse:
            backlog.append(.refusal(ProtocolError(.rateLimited, "more than \(Int(limiter.rate)) messages a second; wait, then resend")))
        case .disconnect:
            backlog.append(.close(.policyViolation, reason: "rate limit exceeded"))
        }
        return false
    }

    /// Starts what waits, in order, as far as it may start now.
    private mutating func advance() -> [Action] {
        var actions: [Action] = []
        while !isAwaiting, !isClosed, let next = backlog.first {
            switch next {
            case .request(let envelope):
                switch decide(envelope) {
                case .send(let draft):
                    guard sendsInFlight < Self.sendLimit else { return actions }
                    sendsInFlight += 1
                    actions.append(.commit(draft, ref: envelope.ref))
                case .inTurn(let started):
                    guard sendsInFlight == 0 else { return actions }
                    actions += started(&self)
                }
            case .refusal(let error):
                guard sendsInFlight == 0 else { return actions }
                actions.append(.reply(.error(error)))
            case .close(let code, let reason):
                guard sendsInFlight == 0 else { return actions }
                isClosed = true
                actions.append(.close(code, reason: reason))
            }
            backlog.removeFirst()
        }
        return actions
    }

    /// How a request starts: a send may overlap the sends before it; anything else waits its turn.
    private enum Start {
        case send(MessageStore.Draft)
        case inTurn((inout ChatSession) -> [Action])
    }

    private func decide(_ envelope: ClientEnvelope) -> Start {
        let ref = envelope.ref
        let refuse = { (error: ProtocolError) in Start.inTurn { _ in [.reply(.error(error))] } }
        if let needed = Self.scope(needed: envelope.message), !scopes.contains(needed) {
            return refuse(ProtocolError(.forbidden, "this needs the scope \(needed)", ref: ref))
        }
        switch envelope.message {
        case .send(let room, let text, let clientID):
            guard rooms.contains(room) else { return refuse(Self.notMember(room, ref: ref)) }
            return .send(MessageStore.Draft(room: room, from: user, text: text, clientID: clientID))
        case .direct(let recipient, let text, let clientID):
            return .send(MessageStore.Draft(to: recipient, from: user, text: text, clientID: clientID))
        case .join(let room, let since):
            let limit = since == nil ? Limits.defaultHistory : Limits.maxHistory
            return .inTurn { session in
                session.isAwaiting = true
                return [.join(room: room, since: since, limit: limit, ref: ref)]
            }
        case .leave(let room):
            guard rooms.contains(room) else { return refuse(Self.notMember(room, ref: ref)) }
            return .inTurn { session in
                session.rooms.remove(room)
                return [.leave(room: room), .reply(.left(room: room, ref: ref))]
            }
        case .history(let room, let before, let limit):
            guard rooms.contains(room) else { return refuse(Self.notMember(room, ref: ref)) }
            return .inTurn { session in
                session.isAwaiting = true
                return [.loadHistory(room: room, before: before, limit: limit, ref: ref)]
            }
        case .directs(let since):
            // Unlike `join`, this does not start delivery: the user's connections receive direct
            // messages from the start. One committed meanwhile may come both live and in the list;
            // clients keep messages by id.
            let limit = since == nil ? Limits.defaultHistory : Limits.maxHistory
            return .inTurn { session in
                session.isAwaiting = true
                return [.loadDirects(since: since, limit: limit, ref: ref)]
            }
        case .auth(let token):
            guard usesTokens else { return refuse(ProtocolError(.invalidToken, "this server does not use tokens", ref: ref)) }
            return .inTurn { session in
                session.isAwaiting = true
                return [.verify(token: token, ref: ref)]
            }
        }
    }

    /// Takes a fresh token for the same user; anything else leaves the old grant as it was.
    private mutating func renew(_ result: Result<Identity, InvalidToken>, ref: String?) -> [Action] {
        switch result {
        case .failure(let error):
            return [.reply(.error(ProtocolError(.invalidToken, error.reason, ref: ref)))]
        case .success(let identity) where identity.user != user:
            return [.reply(.error(ProtocolError(.invalidToken, "the token is for another user", ref: ref)))]
        case .success(let identity):
            scopes = identity.scopes
            expiresAt = identity.expiresAt
            return [.reply(.authenticated(user: identity.user, expiresAt: identity.expiresAt, ref: ref)), .watchExpiry(at: expiresAt)]
        }
    }

    /// The scope a message needs, if any.
    private static func scope(needed message: ClientMessage) -> String? {
        switch message {
        case .send, .direct: ChatScope.write
        case .join, .history, .leave, .directs: ChatScope.read
        case .auth: nil
        }
    }

    private static func notMember(_ room: String, ref: String?) -> ProtocolError {
        ProtocolError(.notMember, "join \(room) first", ref: ref)
    }
}
