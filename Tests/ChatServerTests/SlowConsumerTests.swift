import DequeModule
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOWebSocket
import TestSupport
import Testing

@testable import ChatServer

@Suite("A slow reader never holds the room back", .serialized)
struct SlowConsumerTests {
    /// What a writer takes from an outbox: the text frames, then the close if one is due.
    func take(_ outbox: Outbox) -> (texts: [String], close: Outbox.Close?) {
        var batch = Deque<TextFrames>()
        var close = outbox.takeTexts(into: &batch)
        let texts = batch.flatMap(\.payloads).map { String(buffer: $0) }
        if close == nil, !texts.isEmpty {
            batch.removeAll()
            close = outbox.takeTexts(into: &batch)
        }
        return (texts, close)
    }

    @Test("An outbox never holds more than its bounds; past them it closes with 1008 and drops its backlog")
    func outboxIsBounded() {
        let outbox = Outbox(bounds: .init(messages: 10, bytes: 1 << 20))
        let overflows = NIOLockedValueBox(0)
        outbox.whenOverflowed { overflows.withLockedValue { $0 += 1 } }
        for _ in 0..<1000 { outbox.send(TextFrame(ByteBuffer(string: "message"))) }
        #expect(outbox.queuedCount == 0, "the backlog is dropped")
        #expect(overflows.withLockedValue { $0 } == 1)
        #expect(take(outbox).close == Outbox.Close(code: .policyViolation, reason: "too slow to keep up"))

        let byBytes = Outbox(bounds: .init(messages: 1000, bytes: 100))
        for _ in 0..<10 { byBytes.send(TextFrame(ByteBuffer(repeating: 0x61, count: 30))) }
        #expect(byBytes.queuedCount == 0)
        #expect(take(byBytes).close == Outbox.Close(code: .policyViolation, reason: "too slow to keep up"))
    }

    @Test("Within its bounds an outbox gives up everything in order, then the close after it and nothing more")
    func outboxDeliversInOrder() {
        let outbox = Outbox(bounds: .init(messages: 10, bytes: 1 << 20))
        for index in 0..<5 { outbox.send(TextFrame(ByteBuffer(string: "\(index)"))) }
        outbox.close(.goingAway, reason: "bye")
        outbox.send(TextFrame(ByteBuffer(string: "after the close")))
        let taken = take(outbox)
        #expect(taken.texts == ["0", "1", "2", "3", "4"])
        #expect(taken.close == Outbox.Close(code: .goingAway, reason: "bye"))
        #expect(outbox.queuedCount == 0)
    }

    @Test("A writer is woken once per batch, and again only after it found the queue empty")
    func outboxWakesItsWriter() {
        let outbox = Outbox(bounds: .init(messages: 10, bytes: 1 << 20))
        let loop = EmbeddedEventLoop()
        let wakes = NIOLockedValueBox(0)
        outbox.attach(OutboxWake(eventLoop: loop) { wakes.withLockedValue { $0 += 1 } })
        for index in 0..<3 { outbox.send(TextFrame(ByteBuffer(string: "\(index)"))) }
        loop.run()
        #expect(wakes.withLockedValue { $0 } == 1, "one wake-up for frames that arrive together")
        outbox.send(TextFrame(ByteBuffer(string: "3")))
        loop.run()
        #expect(wakes.withLockedValue { $0 } == 1, "no wake-up while the writer has not emptied the queue")
        #expect(take(outbox).texts == ["0", "1", "2", "3"])
        outbox.send(TextFrame(ByteBuffer(string: "4")))
        loop.run()
        #expect(wakes.withLockedValue { $0 } == 2)
    }

    @Test("A close asked for before the writer arrived is written when it does")
    func closeBeforeTheWriter() {
        let outbox = Outbox(bounds: .init(messages: 10, bytes: 1 << 20))
        outbox.close(.goingAway, reason: "server shutting down")
        let loop = EmbeddedEventLoop()
        let wakes = NIOLockedValueBox(0)
        outbox.attach(OutboxWake(eventLoop: loop) { wakes.withLockedValue { $0 += 1 } })
        loop.run()
        #expect(wakes.withLockedValue { $0 } == 1)
        #expect(take(outbox).close == Outbox.Close(code: .goingAway, reason: "server shutting down"))
    }

    @Test("A client that stops reading is cut off, and the others get every message")
    func stalledReader() async throws {
        let configuration = ChatServerConfiguration.testing {
            $0.rateLimit = 100_000
            $0.rateBurst = 100_000
            $0.maxQueuedMessages = 1024
            $0.maxQueuedBytes = 1 << 20
        }
        let count = 3000
        let text = String(repeating: "x", count: 4000)
        try await withChatServer(configuration) { live in
            try await withChatClient(port: live.port, name: "bob") { bob in
                bob.send(#"{"type":"join","room":"general"}"#)
                _ = try await bob.next("joined")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // The stalled reader: it joins, then reads nothing more.
                    group.addTask {
                        let handshake = HandshakeRequest().with { $0.path = "/ws?name=stalled" }
                        try await RawHTTP.openThenVanish(
                            handshake.text,
                            port: live.port,
                            sending: [#"{"type":"join","room":"general"}"#],
                            for: .seconds(60)
                        )
                    }
                    let joined = try await bob.next("presence")
                    #expect(joined.user == "stalled")
                    try await withChatClient(port: live.port, name: "alice") { alice in
                        alice.send(#"{"type":"join","room":"general"}"#)
                        _ = try await alice.next("joined")
                        // Alice paces herself as a real client would, waiting for her copies every batch;
                        // the stalled reader can't keep up even with that.
                        for batch in stride(from: 0, to: count, by: 50) {
                            for index in batch..<min(batch + 50, count) {
                                alice.send(#"{"type":"send","room":"general","text":"\#(index) \#(text)"}"#)
                            }
                            for _ in batch..<min(batch + 50, count) { _ = try await alice.next("message", timeout: .seconds(30)) }
                        }
                        var received = 0
                        var stalledLeft = false
                        while received < count || !stalledLeft {
                            let message = try await bob.next(timeout: .seconds(30))
                            if message.type == "message" {
                                #expect(message.text?.hasPrefix("\(received) ") == true, "in order")
                                received += 1
                            } else if message.type == "presence", message.user == "stalled", message.event == "left" {
                                stalledLeft = true
                            }
                        }
                        #expect(received == count)
                    }
                    #expect(await eventually { live.service.hub.connectionCount == 1 })
                    group.cancelAll()
                }
            }
        }
    }
}
