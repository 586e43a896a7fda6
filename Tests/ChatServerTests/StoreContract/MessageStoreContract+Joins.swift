import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import ChatServer

extension MessageStoreContract {
    /// Joiners recover with `since` while messages keep arriving, and are delivered to as the server
    /// does: a commit callback sends to every member, and a join's `body` makes its joiner a member.
    /// Each joiner must end with every message after `since` exactly once, in order.
    static func checkJoins(_ store: StoreUnderTest) async throws {
        var earlier: [ChatMessage] = []
        for index in 0..<5 { earlier.append(try await store.append(draft("before \(index)"))) }
        let since = earlier[2].id
        let count = 600
        let room = Room(messages: count)
        let joiners = 40

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // In small bursts, back to back, so that commits follow one another closely and joins
                // land before, between and during them.
                for burst in 0..<(count / 5) {
                    let drafts = (0..<5).map { draft("live \(burst * 5 + $0)") }
                    _ = await store.appendTogether(drafts) { message in room.deliver(message.id) }
                }
            }
            for joiner in 0..<joiners {
                group.addTask {
                    // Spread over the whole stream, however fast the store commits.
                    while room.liveSoFar < joiner * count / joiners { try await Task.sleep(for: .milliseconds(1)) }
                    try await store.store.recentMessages(in: "general", since: since, limit: 10_000) { messages in
                        room.join(joiner, recovering: messages.map(\.id))
                    }
                }
            }
            try await group.waitForAll()
        }

        let expected = try await store.store.messages(in: "general", limit: 10_000).map(\.id).filter { $0 > since }
        #expect(expected.count == 2 + count)
        for joiner in 0..<joiners {
            let received = room.received(by: joiner)
            let twice = Set(received.filter { id in received.filter { $0 == id }.count > 1 })
            #expect(
                received == expected,
                "joiner \(joiner): \(Set(expected).subtracting(received).sorted()) missed, \(twice.sorted()) twice"
            )
        }
        #expect(room.joinedWhileLive > 0, "some joins happened while messages were arriving")
    }
}

/// A room's members and what each was sent, as the hub keeps them: one lock for delivering and joining.
private final class Room: Sendable {
    /// The live messages to come; a join between the first and the last is one made while they arrive.
    private let messages: Int
    private let state = NIOLockedValueBox<(members: Set<Int>, received: [Int: [Int64]], liveSoFar: Int, joinedWhileLive: Int)>(
        ([], [:], 0, 0)
    )

    init(messages: Int) {
        self.messages = messages
    }

    func deliver(_ id: Int64) {
        state.withLockedValue { state in
            state.liveSoFar += 1
            for member in state.members { state.received[member, default: []].append(id) }
        }
    }

    func join(_ joiner: Int, recovering ids: [Int64]) {
        state.withLockedValue { state in
            state.received[joiner] = ids
            state.members.insert(joiner)
            if state.liveSoFar > 0 && state.liveSoFar < messages { state.joinedWhileLive += 1 }
        }
    }

    func received(by joiner: Int) -> [Int64] { state.withLockedValue { $0.received[joiner] ?? [] } }
    var joinedWhileLive: Int { state.withLockedValue { $0.joinedWhileLive } }
    var liveSoFar: Int { state.withLockedValue { $0.liveSoFar } }
}
