import ChatServer
import Hummingbird
import LessonKit
import TestSupport
import Testing

/// Exercise 1: the rooms under many live clients at once, through a server that only joins, leaves
/// and broadcasts (``buildRoomsOnlyServer(rooms:)``).
@Suite("Exercise 1: rooms with live clients", .serialized)
struct RoomsLiveTests {
    let answers = Lesson05Answers.checked

    @Test("Thirty clients joining at once each learn of all the others, hear every message once, and see half of them leave")
    func manyClients() async throws {
        let rooms = answers.makeRooms()
        _ = try rooms.connectionCount()
        let count = 30
        let users = Set((0..<count).map { "user\($0)" })
        let leavers = Set((0..<count).filter { $0 % 2 == 1 }.map { "user\($0)" })
        try await withLiveServer(try buildRoomsOnlyServer(rooms: rooms)) { port in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        try await withChatClient(port: port, name: "user\(index)") { client in
                            client.send(#"{"type":"join","room":"general"}"#)
                            var view = RoomView()
                            try await view.read(from: client) { $0.joinedOrPresent == users }
                            // Everyone is in the room now, as this client sees it: say hello once.
                            client.send(#"{"type":"send","room":"general","text":"hello from user\#(index)"}"#)
                            try await view.read(from: client) { $0.texts.count == count }
                            #expect(Set(view.texts).count == count, "every hello once: \(view.texts.sorted())")
                            if index % 2 == 0 {
                                try await view.read(from: client) { $0.left == leavers }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(try await eventually { try rooms.connectionCount() == 0 })
        #expect(try rooms.members(of: "general").isEmpty)
    }

    @Test("A second connection of the same user joins and leaves silently; the last one leaving is told")
    func presencePerUser() async throws {
        let rooms = answers.makeRooms()
        _ = try rooms.connectionCount()
        try await withLiveServer(try buildRoomsOnlyServer(rooms: rooms)) { port in
            try await withChatClient(port: port, name: "carol") { carol in
                carol.send(#"{"type":"join","room":"general"}"#)
                _ = try await carol.next("joined")
                try await withChatClient(port: port, name: "alice") { firstTab in
                    firstTab.send(#"{"type":"join","room":"general"}"#)
                    #expect(try await firstTab.next("joined").members == ["alice", "carol"])
                    try await withChatClient(port: port, name: "alice") { secondTab in
                        secondTab.send(#"{"type":"join","room":"general"}"#)
                        _ = try await secondTab.next("joined")
                    }
                    firstTab.send(#"{"type":"send","room":"general","text":"still here"}"#)
                    _ = try await firstTab.next("message")
                }
                let first = try await carol.next()
                #expect(first.type == "presence" && first.user == "alice" && first.event == "joined")
                let second = try await carol.next()
                #expect(second.type == "message" && second.text == "still here", "the second tab's coming and going was silent")
                let third = try await carol.next()
                #expect(third.type == "presence" && third.user == "alice" && third.event == "left")
            }
        }
    }
}

/// What one client has seen of a room: who joined (in `joined` or by presence), who left, and the texts.
struct RoomView {
    var joinedOrPresent: Set<String> = []
    var left: Set<String> = []
    var texts: [String] = []

    /// Reads messages until `isDone` holds.
    mutating func read(from client: ChatTestClient, until isDone: (Self) -> Bool) async throws {
        while !isDone(self) {
            let message = try await client.next(timeout: .seconds(20))
            switch message.type {
            case "joined": joinedOrPresent.formUnion(message.members ?? [])
            case "presence" where message.event == "joined": joinedOrPresent.insert(message.user ?? "")
            case "presence" where message.event == "left": left.insert(message.user ?? "")
            case "message": texts.append(message.text ?? "")
            default: break
            }
        }
    }
}
