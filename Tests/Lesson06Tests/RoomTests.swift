import LessonKit
import NIOConcurrencyHelpers
import NIOCore
import TestSupport
import Testing

/// What one member of a room under check was given: a stand-in for its outbox.
final class CollectingOutbox: FrameOutbox {
    private let received = NIOLockedValueBox<[ByteBuffer]>([])

    func enqueue(_ payload: ByteBuffer) throws {
        received.withLockedValue { $0.append(payload) }
    }

    var payloads: [ByteBuffer] { received.withLockedValue { $0 } }
}

/// An encoding hook that counts its calls.
final class CountingEncoder: Sendable {
    private let calls = NIOLockedValueBox(0)

    var count: Int { calls.withLockedValue { $0 } }

    func encode(_ message: RelayedMessage) throws -> ByteBuffer {
        calls.withLockedValue { $0 += 1 }
        return try RelayedMessage.encode(message)
    }
}

/// Exercise 2: a broadcast encodes once, whatever the number of recipients.
@Suite("Exercise 2: encode once", .serialized)
struct RoomTests {
    let answers = Lesson06Answers.checked

    @Test("A broadcast calls the encoder once for 1, 10 and 100 members, and every member gets the message")
    func encodesOnce() throws {
        for members in [1, 10, 100] {
            let room = answers.makeRoom()
            let outboxes = (0..<members).map { _ in CollectingOutbox() }
            for outbox in outboxes { _ = try room.join(outbox) }
            let encoder = CountingEncoder()
            try room.broadcast(RelayedMessage(text: "hello"), encode: encoder.encode)
            #expect(encoder.count == 1, "\(members) members: \(encoder.count) encodings; it must not grow with the members")
            let expected = try RelayedMessage.encode(RelayedMessage(text: "hello"))
            #expect(outboxes.allSatisfy { $0.payloads == [expected] }, "each member gets the message once")
        }
    }

    @Test("Every member's copy shares the one buffer: the bytes are in memory once")
    func sharesOneBuffer() throws {
        let room = answers.makeRoom()
        let outboxes = (0..<10).map { _ in CollectingOutbox() }
        for outbox in outboxes { _ = try room.join(outbox) }
        try room.broadcast(RelayedMessage(text: String(repeating: "x", count: 4096)), encode: RelayedMessage.encode)
        let addresses = outboxes.compactMap { $0.payloads.first?.withUnsafeReadableBytes { $0.baseAddress } }
        #expect(addresses.count == 10)
        #expect(Set(addresses).count == 1, "the same bytes for all: \(Set(addresses).count) copies")
    }

    @Test("A member that left gets nothing; leaving twice changes nothing; ids are never given again")
    func leaving() throws {
        let room = answers.makeRoom()
        let (alice, bob) = (CollectingOutbox(), CollectingOutbox())
        let aliceID = try room.join(alice)
        let bobID = try room.join(bob)
        #expect(aliceID != bobID)
        try room.leave(aliceID)
        try room.leave(aliceID)
        try room.broadcast(RelayedMessage(text: "hi"), encode: RelayedMessage.encode)
        #expect(alice.payloads.isEmpty)
        #expect(bob.payloads.count == 1)
        #expect(try room.memberCount() == 1)
        #expect(try room.join(CollectingOutbox()) != aliceID)
    }

    @Test("A hundred tasks joining, broadcasting and leaving at once leave an empty room and lose nothing")
    func concurrentUse() async throws {
        let room = answers.makeRoom()
        let watcher = CollectingOutbox()
        _ = try room.join(watcher)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    let id = try room.join(CollectingOutbox())
                    try room.broadcast(RelayedMessage(text: "\(index)"), encode: RelayedMessage.encode)
                    try room.leave(id)
                }
            }
            try await group.waitForAll()
        }
        #expect(try room.memberCount() == 1)
        #expect(watcher.payloads.count == 100)
    }

    @Test("Through a live server, 20 clients and 10 messages cost 10 encodings, and every client gets every message")
    func encodesOnceLive() async throws {
        let room = answers.makeRoom()
        _ = try room.memberCount()
        let encoder = CountingEncoder()
        let clients = 20
        let received = NIOLockedValueBox([Int](repeating: 0, count: clients))
        try await withLiveServer(answers.server(room: room, encode: { try encoder.encode($0) })) { port in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1..<clients {
                    group.addTask { try await receive(port: port, index: index, counts: received) }
                }
                #expect(try await eventually(timeout: .seconds(10)) { try room.memberCount() == clients - 1 })
                try await withSender(port: port, index: 0, counts: received) { send in
                    #expect(try await eventually(timeout: .seconds(10)) { try room.memberCount() == clients })
                    for number in 0..<10 { try await send("message \(number)") }
                    #expect(await eventually(timeout: .seconds(10)) { received.withLockedValue { $0.allSatisfy { $0 == 10 } } })
                }
                #expect(encoder.count == 10, "\(encoder.count) encodings for 10 messages to \(clients) clients")
                group.cancelAll()
            }
        }
    }
}
