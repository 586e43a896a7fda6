import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// Identifies one WebSocket connection for the life of the server.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    let value: Int
    public var description: String { "c\(value)" }
}

/// Who is connected, which rooms they are in, and the one place messages fan out from.
///
/// The state is small and every change to it is synchronous, so a lock guards it rather than an
/// actor: fanning out takes no task switch, and callers that must keep an order (the store's commit
/// callbacks) keep it. Frames are queued into outboxes after the lock is released.
///
/// When several processes share the rooms (see ``PostgresPresence``), a user is present in a room if
/// a connection here or on another process is in it: the hub tells its ``LocalPresenceObserver`` when
/// a user's presence here begins or ends, and hears of the other processes' through
/// ``userJoinedElsewhere(_:room:)`` and ``userLeftElsewhere(_:room:)``. A room hears "joined" when
/// a user becomes present anywhere and "left" when they are absent everywhere, as with one process.
public final class Hub: Sendable {
    private struct Member {
        let user: String
        let outbox: Outbox
        var rooms: Set<String> = []
    }

    private struct State {
        var members: [ConnectionID: Member] = [:]
        /// Why every connection was closed, once the server began shutting down: a connection
        /// registered afterwards is closed the same way at once.
        var shutdown: (code: WebSocketErrorCode, reason: String)?
        /// Each room's members with their outboxes, so that a broadcast looks up no one.
        var rooms: [String: [ConnectionID: Outbox]] = [:]
        /// Each user's connections: a direct message, a presence check or closing a user's
        /// connections visits these, never every connection or a whole room.
        var connectionsOfUser: [String: Set<ConnectionID>] = [:]
        /// Each room's users present on other processes, as far as this one has heard.
        var presentElsewhere: [String: Set<String>] = [:]
        var nextID = 0

        func users(in room: String) -> [String] {
            Set(rooms[room, default: [:]].keys.compactMap { members[$0]?.user }).union(presentElsewhere[room, default: []]).sorted()
        }

        func outboxes(in room: String, except excluded: ConnectionID?) -> [Outbox] {
            rooms[room, default: [:]].compactMap { $0.key == excluded ? nil : $0.value }
        }

        func outboxes(of users: Set<String>, except excluded: ConnectionID? = nil) -> [Outbox] {
            users.flatMap { connectionsOfUser[$0, default: []] }.filter { $0 != excluded }.compactMap { members[$0]?.outbox }
        }

        /// Whether the user is in the room here or on another process.
        func isPresent(_ user: String, in room: String) -> Bool {
            isPresentHere(user, in: room) || presentElsewhere[room]?.contains(user) == true
        }

        func isPresentHere(_ user: String, in room: String) -> Bool {
            connectionsOfUser[user, default: []].contains { members[$0]?.rooms.contains(room) == true }
        }
    }

    private let state = NIOLockedValueBox(State())
    private let presenceObserver: (any LocalPresenceObserver)?

    public convenience init() {
        self.init(presenceObserver: nil)
    }

    /// A hub that tells `presenceObserver` whenever a user's presence in a room begins or ends here.
    init(presenceObserver: (any LocalPresenceObserver)?) {
        self.presenceObserver = presenceObserver
    }

    /// How many connections are registered.
    public var connectionCount: Int { state.withLockedValue { $0.members.count } }

    /// How many rooms have at least one member.
    public var roomCount: Int { state.withLockedValue { $0.rooms.count } }

    /// Registers a connection; it is in no room yet.
    func connect(user: String, outbox: Outbox) -> ConnectionID {
        let (id, shutdown) = state.withLockedValue { state in
            let id = ConnectionID(value: state.nextID)
            state.nextID += 1
            state.members[id] = Member(user: user, outbox: outbox)
            state.connectionsOfUser[user, default: []].insert(id)
            return (id, state.shutdown)
        }
        // A handshake accepted just before shutdown began: this connection goes the way of the others.
        if let shutdown { outbox.close(shutdown.code, reason: shutdown.reason) }
        return id
    }

    /// Whether the server has begun shutting down: new handshakes are refused from then on.
    public var isShuttingDown: Bool { state.withLockedValue { $0.shutdown != nil } }

    /// Removes a connection from every room and from the registry, telling each room its user left
    /// when this was the user's last connection there.
    func disconnect(_ id: ConnectionID) {
        let rooms = state.withLockedValue { $0.members[id]?.rooms ?? [] }
        for room in rooms {
            leave(id, room: room)
        }
        state.withLockedValue { state in
            guard let user = state.members.removeValue(forKey: id)?.user else { return }
            state.connectionsOfUser[user]?.remove(id)
            if state.connectionsOfUser[user]?.isEmpty == true { state.connectionsOfUser[user] = nil }
        }
    }

    /// Adds a connection to a room.
    ///
    /// - Parameter answer: runs with the room's members as the connection joins, before anything
    ///   else can be queued for it as a member: the answer to its join comes before the room's
    ///   presence events and messages.
    /// - Returns: the room's members afterwards; the others are told when the user is new to the room.
    @discardableResult
    func join(_ id: ConnectionID, room: String, answer: (_ members: [String]) -> Void = { _ in }) -> [String] {
        let (user, members, others) = state.withLockedValue { state -> (String?, [String], [Outbox]) in
            guard let user = state.members[id]?.user else { return (nil, [], []) }
            let isNew = !state.isPresent(user, in: room)
            let others = isNew ? state.outboxes(in: room, except: id) : []
            if let presenceObserver, !state.isPresentHere(user, in: room) { presenceObserver.presenceBegan(Presence(room: room, user: user)) }
            state.rooms[room, default: [:]][id] = state.members[id]?.outbox
            state.members[id]?.rooms.insert(room)
            let members = state.users(in: room)
            answer(members)
            return (user, members, others)
        }
        if let user {
            fanOut(.presence(room: room, user: user, event: .joined), to: others)
        }
        return members
    }

    /// Takes a connection out of a room.
    ///
    /// - Returns: whether it was in the room.
    @discardableResult
    func leave(_ id: ConnectionID, room: String) -> Bool {
        let (user, others) = state.withLockedValue { state -> (String?, [Outbox]) in
            guard let user = state.members[id]?.user, state.rooms[room]?.removeValue(forKey: id) != nil else { return (nil, []) }
            state.members[id]?.rooms.remove(room)
            if state.rooms[room]?.isEmpty == true { state.rooms[room] = nil }
            if let presenceObserver, !state.isPresentHere(user, in: room) { presenceObserver.presenceEnded(Presence(room: room, user: user)) }
            return (user, state.isPresent(user, in: room) ? [] : state.outboxes(in: room, except: nil))
        }
        guard let user else { return false }
        fanOut(.presence(room: room, user: user, event: .left), to: others)
        return true
    }

    /// Another process has the user in the room now, where none had before: the room hears that
    /// they joined unless they were present here already.
    func userJoinedElsewhere(_ user: String, room: String) {
        let others = state.withLockedValue { state -> [Outbox] in
            let wasPresent = state.isPresent(user, in: room)
            state.presentElsewhere[room, default: []].insert(user)
            return wasPresent ? [] : state.outboxes(in: room, except: nil)
        }
        fanOut(.presence(room: room, user: user, event: .joined), to: others)
    }

    /// No other process has the user in the room any more: the room hears that they left unless
    /// they are still present here.
    func userLeftElsewhere(_ user: String, room: String) {
        let others = state.withLockedValue { state -> [Outbox] in
            guard state.presentElsewhere[room]?.remove(user) != nil else { return [] }
            if state.presentElsewhere[room]?.isEmpty == true { state.presentElsewhere[room] = nil }
            return state.isPresent(user, in: room) ? [] : state.outboxes(in: room, except: nil)
        }
        fanOut(.presence(room: room, user: user, event: .left), to: others)
    }

    /// Whether a connection is in a room.
    func isMember(_ id: ConnectionID, of room: String) -> Bool {
        state.withLockedValue { $0.rooms[room]?[id] != nil }
    }

    /// Sends a room message to every member, and `sender`'s own copy (its acknowledgement) to
    /// `sender`; a message from another process has no sender here. Inside a ``FanOutBatch`` it
    /// joins the room's other messages of the batch, delivered when the batch ends.
    func broadcast(_ text: TextFrame, to room: String, from sender: ConnectionID? = nil, ownCopy: TextFrame? = nil) {
        if let batch = FanOutBatch.current {
            batch.add(text, to: room, of: self, from: sender, ownCopy: ownCopy)
            return
        }
        let (others, senderOutbox) = state.withLockedValue { state in
            (state.outboxes(in: room, except: sender), sender.flatMap { state.members[$0]?.outbox })
        }
        fanOut(text, to: others)
        if let ownCopy { senderOutbox?.send(ownCopy) }
    }

    /// Fans out a message another process committed: to the room's members here, or to the
    /// connections here of a direct message's two users.
    func deliverFromElsewhere(_ message: ChatMessage) {
        let frame = ServerMessage.frames(of: message, ref: nil).recipients
        if let room = message.room {
            broadcast(frame, to: room)
        } else {
            deliver(frame, toUsers: [message.to ?? "", message.from])
        }
    }

    /// Delivers a room's messages from a batch: the same buffer to every member but the senders,
    /// and to each sender the buffer with its own copies in place.
    func deliver(_ batch: RoomBatch, gatheringWakesInto wakes: inout OutboxWakes) {
        let senders = batch.senders
        let (members, senderOutboxes) = state.withLockedValue { state in
            (state.rooms[batch.room, default: [:]], senders.map { state.members[$0]?.outbox })
        }
        let isSender = Set(senders)
        for (id, outbox) in members where !isSender.contains(id) {
            outbox.send(batch.frames, gatheringWakesInto: &wakes)
        }
        for (sender, outbox) in zip(senders, senderOutboxes) {
            outbox?.send(batch.frames(for: sender, isMember: members[sender] != nil), gatheringWakesInto: &wakes)
        }
    }

    /// Sends a message to every connection of these users but one, encoding it once.
    func deliver(_ message: ServerMessage, toUsers users: Set<String>, except excluded: ConnectionID? = nil) {
        deliver(message.textFrame, toUsers: users, except: excluded)
    }

    /// Sends a text frame to every connection of these users but one.
    func deliver(_ text: TextFrame, toUsers users: Set<String>, except excluded: ConnectionID? = nil) {
        fanOut(text, to: state.withLockedValue { $0.outboxes(of: users, except: excluded) })
    }

    /// The users with at least one connection.
    var connectedUsers: Set<String> {
        state.withLockedValue { Set($0.connectionsOfUser.keys) }
    }

    /// Closes every connection of these users, after what is queued for each.
    func close(users: Set<String>, _ code: WebSocketErrorCode, reason: String) {
        for outbox in state.withLockedValue({ $0.outboxes(of: users) }) {
            outbox.close(code, reason: reason)
        }
    }

    /// Closes every connection with the same code and reason, after what is queued for it, and
    /// every connection registered from now on.
    func shutDown(_ code: WebSocketErrorCode, reason: String) {
        let outboxes = state.withLockedValue { state in
            state.shutdown = (code, reason)
            return state.members.values.map(\.outbox)
        }
        for outbox in outboxes {
            outbox.close(code, reason: reason)
        }
    }

    private func fanOut(_ message: ServerMessage, to outboxes: [Outbox]) {
        guard !outboxes.isEmpty else { return }
        fanOut(message.textFrame, to: outboxes)
    }

    private func fanOut(_ text: TextFrame, to outboxes: [Outbox]) {
        guard !outboxes.isEmpty else { return }
        let frames = TextFrames(text)
        OutboxWakes.gather { wakes in
            for outbox in outboxes {
                outbox.send(frames, gatheringWakesInto: &wakes)
            }
        }
    }
}
