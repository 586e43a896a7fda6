import NIOCore
import NIOPosix

/// The fan-outs of one batch of commits, made on one thread, delivered together when the batch ends.
///
/// Under load the store commits tens of messages at once and runs their callbacks back to back. Sent
/// one by one, each message would be queued into each member's outbox: a lock, a queue entry and a
/// reference count per message and recipient, then a copy into each connection's write. Gathered,
/// a room's messages from the batch are laid end to end in one buffer, and each member's outbox gets
/// that buffer once: the work per recipient is paid once per batch, and the kernel gets the same
/// bytes for every member without a copy per connection. A sender's own messages carry its `ref`,
/// so the sender gets the room's buffer with its own copies put in their places: a room's messages
/// still reach everyone in id order. The writers are woken once per event loop, after everything
/// is queued.
///
/// A batch is touched only by the thread that gathers it, hence unchecked.
final class FanOutBatch: @unchecked Sendable {
    var wakes = OutboxWakes()
    private var rooms: [RoomBatch] = []
    private var roomIndex: [RoomBatch.Key: Int] = [:]

    private init() {}

    /// Runs `body` so that the room messages it broadcasts and the writers it wakes, on this thread,
    /// are delivered and woken when it returns.
    static func gathering(_ body: () -> Void) {
        guard current == nil else { return body() }
        let batch = FanOutBatch()
        currentBatch.currentValue = batch
        body()
        currentBatch.currentValue = nil
        for room in batch.rooms {
            room.hub.deliver(room, gatheringWakesInto: &batch.wakes)
        }
        batch.wakes.wake()
    }

    /// The batch gathering on this thread, if any.
    static var current: FanOutBatch? { currentBatch.currentValue }

    /// Adds a room message to the batch; `sender`, if it is connected here, gets `ownCopy` in its place.
    func add(_ text: TextFrame, to room: String, of hub: Hub, from sender: ConnectionID?, ownCopy: TextFrame?) {
        let key = RoomBatch.Key(hub: ObjectIdentifier(hub), room: room)
        let index =
            roomIndex[key]
            ?? {
                rooms.append(RoomBatch(hub: hub, room: room))
                roomIndex[key] = rooms.count - 1
                return rooms.count - 1
            }()
        rooms[index].add(text, from: sender, ownCopy: ownCopy)
    }

    private static let currentBatch = ThreadSpecificVariable<FanOutBatch>()
}

/// A room's messages from one batch of commits, end to end, and where each sender's own copy goes.
struct RoomBatch {
    struct Key: Hashable {
        let hub: ObjectIdentifier
        let room: String
    }

    /// A sender's copy of one message, and the bytes of the room's copy it stands for.
    struct OwnCopy {
        let sender: ConnectionID
        let replaces: Range<Int>
        let text: TextFrame
    }

    let hub: Hub
    let room: String
    private(set) var frames = TextFrames(bytes: ByteBuffer(), count: 0)
    private(set) var ownCopies: [OwnCopy] = []

    init(hub: Hub, room: String) {
        self.hub = hub
        self.room = room
    }

    mutating func add(_ text: TextFrame, from sender: ConnectionID?, ownCopy: TextFrame?) {
        var bytes = frames.bytes
        let count = frames.count
        frames = TextFrames(bytes: ByteBuffer(), count: 0)  // keeps `bytes` uniquely referenced
        let start = bytes.readableBytes
        bytes.writeImmutableBuffer(text.frame)
        if let sender, let ownCopy {
            ownCopies.append(OwnCopy(sender: sender, replaces: start..<bytes.readableBytes, text: ownCopy))
        }
        frames = TextFrames(bytes: bytes, count: count + 1)
    }

    /// What `sender` gets: the room's frames with its own copies in their places, or, if it is no
    /// longer a member, its own copies alone.
    func frames(for sender: ConnectionID, isMember: Bool) -> TextFrames {
        let own = ownCopies.filter { $0.sender == sender }
        var bytes = ByteBuffer()
        var next = 0
        for copy in own {
            if isMember, let before = frames.bytes.getSlice(at: frames.bytes.readerIndex + next, length: copy.replaces.lowerBound - next) {
                bytes.writeImmutableBuffer(before)
            }
            bytes.writeImmutableBuffer(copy.text.frame)
            next = copy.replaces.upperBound
        }
        guard isMember else { return TextFrames(bytes: bytes, count: own.count) }
        if let rest = frames.bytes.getSlice(at: frames.bytes.readerIndex + next, length: frames.bytes.readableBytes - next) {
            bytes.writeImmutableBuffer(rest)
        }
        return TextFrames(bytes: bytes, count: frames.count)
    }

    /// The connections whose messages are in the batch, each once, in the order of their first.
    var senders: [ConnectionID] {
        var seen = Set<ConnectionID>()
        return ownCopies.map(\.sender).filter { seen.insert($0).inserted }
    }
}
