import LessonKit
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOWebSocket
import TestSupport
import Testing

/// Exercise 3: the bounded outbox, alone and under a live room with a reader that stops reading.
@Suite("Exercise 3: a bounded outbox", .serialized)
struct OutboxTests {
    let answers = Lesson06Answers.checked

    func payload(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test("Messages come out in order, all at once, and the outbox is empty after")
    func keepsOrder() throws {
        let outbox = answers.makeOutbox(10, 1000)
        #expect(try outbox.take() == .empty)
        for text in ["a", "bb", "ccc"] { try outbox.enqueue(payload(text)) }
        #expect(try outbox.queuedMessages() == 3)
        #expect(try outbox.queuedBytes() == 6)
        #expect(try outbox.take() == .messages([payload("a"), payload("bb"), payload("ccc")]))
        #expect(try outbox.take() == .empty)
        #expect(try outbox.queuedMessages() == 0 && outbox.queuedBytes() == 0)
        #expect(try outbox.hasOverflowed() == false)
    }

    @Test("One message past the bound in messages overflows: the backlog is dropped and the close is 1008")
    func boundInMessages() throws {
        let outbox = answers.makeOutbox(3, 1000)
        for _ in 0..<3 { try outbox.enqueue(payload("x")) }
        #expect(try outbox.hasOverflowed() == false, "three of three fit")
        try outbox.enqueue(payload("x"))
        #expect(try outbox.hasOverflowed())
        #expect(try outbox.queuedMessages() == 0 && outbox.queuedBytes() == 0, "what waited is dropped")
        #expect(try outbox.take() == .close(.policyViolation, reason: "too slow to keep up"))
        try outbox.enqueue(payload("later"))
        #expect(try outbox.queuedMessages() == 0, "nothing more is kept")
        #expect(try outbox.take() == .close(.policyViolation, reason: "too slow to keep up"))
    }

    @Test("One byte past the bound in bytes overflows too")
    func boundInBytes() throws {
        let outbox = answers.makeOutbox(100, 10)
        try outbox.enqueue(payload("12345"))
        try outbox.enqueue(payload("12345"))
        #expect(try outbox.hasOverflowed() == false, "ten of ten bytes fit")
        #expect(try outbox.take() == .messages([payload("12345"), payload("12345")]))
        try outbox.enqueue(payload("1234567890"))
        #expect(try outbox.hasOverflowed() == false, "taking made room")
        try outbox.enqueue(payload("1"))
        #expect(try outbox.hasOverflowed())
    }

    @Test("A frozen reader is cut while 100 others receive a burst: all of theirs arrive, its queue stays bounded")
    func frozenReaderNeverDelaysTheRoom() async throws {
        let (maxMessages, maxBytes) = (32, 256 * 1024)
        let outboxes = NIOLockedValueBox<[any BoundedFrameOutbox]>([])
        let makeOutbox: @Sendable () throws -> any BoundedFrameOutbox = {
            let outbox = answers.makeOutbox(maxMessages, maxBytes)
            outboxes.withLockedValue { $0.append(outbox) }
            return outbox
        }
        _ = try makeOutbox().queuedMessages()
        outboxes.withLockedValue { $0 = [] }
        let room = Lesson06Answers.solution.makeRoom()
        let receivers = 100
        let received = NIOLockedValueBox([Int](repeating: 0, count: receivers))
        try await withLiveServer(answers.server(room: room, makeOutbox: makeOutbox)) { port in
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The frozen client: it sends its handshake, then never reads, and never closes.
                let frozenChannel = try await openFrozen(port: port)
                defer { frozenChannel.close(promise: nil) }
                #expect(try await eventually(timeout: .seconds(10)) { try room.memberCount() == 1 })
                let frozen = try #require(outboxes.withLockedValue { $0.first })
                for index in 1..<receivers {
                    group.addTask { try await receive(port: port, index: index, counts: received) }
                }
                #expect(try await eventually(timeout: .seconds(20)) { try room.memberCount() == receivers })
                // Receiver 0 sends the burst in rounds, each once the others have read the last, so
                // that only the frozen reader falls behind. A round is well inside every outbox's
                // bounds (10 of 32 messages, 160 of 256 KiB): a reading client that the machine
                // starves for a moment must not overflow, or it is cut like the frozen one.
                let sent = try await withSender(port: port, index: 0, counts: received) { send in
                    var sent = 0
                    let text = String(repeating: "m", count: 16 * 1024)
                    // About 150 fill the frozen client's socket buffers and its outbox; 600 is plenty.
                    var hasOverflowed = false
                    while !hasOverflowed, sent < 600 {
                        for _ in 0..<10 { try await send(text) }
                        sent += 10
                        let expected = sent
                        let caughtUp = await eventually(timeout: .seconds(20)) { received.withLockedValue { $0.allSatisfy { $0 >= expected } } }
                        #expect(caughtUp, "every reading client receives each round")
                        guard caughtUp else { break }
                        #expect(try frozen.queuedBytes() <= maxBytes && frozen.queuedMessages() <= maxMessages)
                        hasOverflowed = try frozen.hasOverflowed()
                    }
                    return sent
                }
                #expect(try frozen.hasOverflowed(), "the frozen reader's outbox overflowed after \(sent) messages")
                #expect(received.withLockedValue { $0 }.allSatisfy { $0 == sent }, "every reading client got all \(sent), once")
                #expect(try await eventually(timeout: .seconds(10)) { try room.memberCount() == receivers - 1 }, "the frozen reader was cut")
                for outbox in outboxes.withLockedValue({ $0 }) {
                    #expect(try outbox.queuedBytes() <= maxBytes)
                }
                group.cancelAll()
            }
        }
    }
}

/// Opens `/fast` by hand with a small receive buffer, sends the handshake, and never reads: not even
/// the `101`. The kernel holds a few kilobytes for it; the rest backs up into the server.
private func openFrozen(port: Int) async throws -> any Channel {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelOption(.socketOption(.so_rcvbuf), value: 4096)
        .channelOption(.autoRead, value: false)
        .connect(host: "127.0.0.1", port: port)
        .get()
    let handshake = HandshakeRequest().with { $0.path = "/fast" }
    try await channel.writeAndFlush(ByteBuffer(string: handshake.text)).get()
    return channel
}
