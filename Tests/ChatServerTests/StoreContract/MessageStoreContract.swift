import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import ChatServer

/// What every ``MessageStore`` promises, point by point; each store's suite checks every point.
enum MessageStoreContract: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case commitsBeforeCallbacks = "a message is committed before its callback runs"
    case commitOrder = "callbacks and completions run in append order, ids increase, and waiting appends share commits"
    case resends = "a resend with the same client id returns the first message, not new, with no callback; per sender"
    case joins = "a join's recovery meets live delivery exactly: every message once, in order, to joiners at any moment"
    case roomPages = "a room's pages: the latest, before an id, after an id; oldest first, at most the limit"
    case directs = "a user's direct messages, sent and received, after an id or the latest"

    var testDescription: String { rawValue }

    /// Checks this point on a fresh store of `kind`.
    func check(on kind: StoreKind) async throws {
        try await kind.withStore { store in
            switch self {
            case .commitsBeforeCallbacks: try await Self.checkCommitsBeforeCallbacks(store)
            case .commitOrder: try await Self.checkCommitOrder(store)
            case .resends: try await Self.checkResends(store)
            case .joins: try await Self.checkJoins(store)
            case .roomPages: try await Self.checkRoomPages(store)
            case .directs: try await Self.checkDirects(store)
            }
        }
    }

    static func draft(_ text: String, in room: String = "general", from sender: String = "alice", clientID: String? = nil) -> MessageDraft {
        MessageDraft(room: room, from: sender, text: text, clientID: clientID)
    }

    private static func checkCommitsBeforeCallbacks(_ store: StoreUnderTest) async throws {
        let seen = NIOLockedValueBox<[(id: Int64, committed: [Int64])]>([])
        let completions = await store.appendTogether((0..<20).map { draft("\($0)") }) { message in
            let committed = (try? store.committedIDs()) ?? []
            seen.withLockedValue { $0.append((message.id, committed)) }
        }
        #expect(completions.allSatisfy { (try? $0.result.get()) != nil })
        let callbacks = seen.withLockedValue { $0 }
        #expect(callbacks.count == 20)
        for callback in callbacks {
            #expect(callback.committed.contains(callback.id), "message \(callback.id) was announced before another connection could read it")
        }
    }

    private static func checkCommitOrder(_ store: StoreUnderTest) async throws {
        let count = 200
        let drafts = (0..<count).map { draft("\($0)", in: $0.isMultiple(of: 3) ? "random" : "general") }
        let announced = NIOLockedValueBox<[ChatMessage]>([])
        let completions = await store.appendTogether(drafts) { message in announced.withLockedValue { $0.append(message) } }
        let messages = announced.withLockedValue { $0 }
        #expect(messages.map(\.text) == drafts.map(\.text), "callbacks run in the order of the appends")
        #expect(messages.map(\.id) == messages.map(\.id).sorted() && Set(messages.map(\.id)).count == count, "ids increase")
        #expect(completions.map(\.draftIndex) == Array(0..<count), "completions run in the same order")
        #expect(try completions.map { try $0.result.get().message } == messages, "each completion has the message its callback had")
        let transactions = try store.writeTransactions()
        #expect(transactions >= 1 && transactions < count, "\(transactions) commits for \(count) messages")
        let general = try await store.store.messages(in: "general", limit: count)
        #expect(general.asSeen == messages.filter { $0.room == "general" }.asSeen, "history reads back what was announced")
    }

    private static func checkResends(_ store: StoreUnderTest) async throws {
        let announced = NIOLockedValueBox<[Int64]>([])
        let announce: @Sendable (ChatMessage) -> Void = { message in announced.withLockedValue { $0.append(message.id) } }
        let first = try await store.store.append(draft("hello", clientID: "c1"), onCommit: announce)
        #expect(first.isNew)
        let resent = try await store.store.append(draft("hello again", clientID: "c1"), onCommit: announce)
        #expect(!resent.isNew)
        #expect(resent.message.asSeen == first.message.asSeen, "a resend returns the message stored the first time")
        let otherSender = try await store.store.append(draft("hello", from: "bob", clientID: "c1"), onCommit: announce)
        #expect(otherSender.isNew && otherSender.message.id != first.message.id, "client ids are per sender")

        // A resend handed over right behind its first send, before either is committed: often both are in one commit.
        let together = await store.appendTogether([draft("twice", clientID: "c2"), draft("twice", clientID: "c2")], onCommit: announce)
        let results = try together.sorted { $0.draftIndex < $1.draftIndex }.map { try $0.result.get() }
        #expect(results.map(\.isNew) == [true, false])
        #expect(results[0].message.asSeen == results[1].message.asSeen)

        let withoutClientID = try await [store.append(draft("no id")), store.append(draft("no id"))]
        #expect(withoutClientID[0].id != withoutClientID[1].id, "messages without a client id are never taken for resends")
        #expect(
            announced.withLockedValue { $0 } == [first.message.id, otherSender.message.id, results[0].message.id],
            "resends are not announced"
        )
        let history = try await store.store.messages(in: "general", limit: 10)
        #expect(history.map(\.text) == ["hello", "hello", "twice", "no id", "no id"])
    }

    private static func checkRoomPages(_ store: StoreUnderTest) async throws {
        var general: [ChatMessage] = []
        for index in 1...6 {
            general.append(try await store.append(draft("g\(index)")))
            _ = try await store.append(draft("r\(index)", in: "random"))
        }
        let messages = store.store
        #expect(try await messages.messages(in: "general", limit: 4).asSeen == Array(general[2...]))
        #expect(try await messages.messages(in: "general", before: general[2].id, limit: 10).asSeen == Array(general[..<2]))
        #expect(try await messages.messages(in: "general", before: general[4].id, limit: 2).asSeen == Array(general[2..<4]))
        #expect(try await messages.messages(in: "nowhere", limit: 5).asSeen == [])
        let latest = try await messages.recentMessages(in: "general", since: nil, limit: 3) { $0 }
        #expect(latest.asSeen == Array(general[3...]))
        let after = try await messages.recentMessages(in: "general", since: general[1].id, limit: 2) { $0 }
        #expect(after.asSeen == Array(general[2..<4]))
        let none = try await messages.recentMessages(in: "general", since: general[5].id, limit: 2) { $0 }
        #expect(none == [])
    }

    private static func checkDirects(_ store: StoreUnderTest) async throws {
        func direct(_ text: String, from sender: String, to recipient: String) async throws -> ChatMessage {
            try await store.append(MessageDraft(to: recipient, from: sender, text: text, clientID: nil))
        }
        let toBob = try await direct("hi bob", from: "alice", to: "bob")
        let fromBob = try await direct("hi alice", from: "bob", to: "alice")
        let elsewhere = try await direct("hi dave", from: "carol", to: "dave")
        _ = try await store.append(draft("in the room"))
        let toCarol = try await direct("hi carol", from: "alice", to: "carol")

        let messages = store.store
        #expect(try await messages.directMessages(of: "alice", since: nil, limit: 10).asSeen == [toBob, fromBob, toCarol])
        #expect(try await messages.directMessages(of: "alice", since: toBob.id, limit: 10).asSeen == [fromBob, toCarol])
        #expect(try await messages.directMessages(of: "alice", since: nil, limit: 2).asSeen == [fromBob, toCarol])
        #expect(try await messages.directMessages(of: "alice", since: toBob.id, limit: 1).asSeen == [fromBob])
        #expect(try await messages.directMessages(of: "dave", since: nil, limit: 10).asSeen == [elsewhere])
        #expect(toBob.room == nil && toBob.to == "bob")
    }
}
