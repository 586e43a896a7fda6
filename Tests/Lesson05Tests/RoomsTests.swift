import ChatServer
import Foundation
import LessonKit
import Testing

/// Exercise 1: the rooms, called directly, alone and from many tasks at once.
@Suite("Exercise 1: rooms")
struct RoomsTests {
    let answers = Lesson05Answers.checked

    @Test("A user is a member of a room while any of their connections is in it")
    func membership() throws {
        let rooms = answers.makeRooms()
        let alice1 = try rooms.connect(user: "alice", deliver: Inbox().deliver)
        let alice2 = try rooms.connect(user: "alice", deliver: Inbox().deliver)
        let bob = try rooms.connect(user: "bob", deliver: Inbox().deliver)
        #expect(Set([alice1, alice2, bob]).count == 3, "each connection has an id of its own")
        #expect(try rooms.join(alice1, room: "general") == ["alice"])
        #expect(try rooms.join(alice2, room: "general") == ["alice"], "a user is listed once")
        #expect(try rooms.join(bob, room: "general") == ["alice", "bob"])
        #expect(try rooms.isMember(alice2, of: "general"))
        #expect(try rooms.isMember(bob, of: "random") == false)
        #expect(try rooms.leave(alice1, room: "general"))
        #expect(try rooms.leave(alice1, room: "general") == false, "it had left already")
        #expect(try rooms.members(of: "general") == ["alice", "bob"], "alice's second connection is still there")
        try rooms.disconnect(alice2)
        #expect(try rooms.members(of: "general") == ["bob"])
        #expect(try rooms.connectionCount() == 2)
    }

    @Test("Presence is per user: joined when their first connection enters, left when their last one goes")
    func presence() throws {
        let rooms = answers.makeRooms()
        let watcher = Inbox()
        let carol = try rooms.connect(user: "carol", deliver: watcher.deliver)
        try rooms.join(carol, room: "general")
        let alice1 = try rooms.connect(user: "alice", deliver: Inbox().deliver)
        let alice2 = try rooms.connect(user: "alice", deliver: Inbox().deliver)
        try rooms.join(alice1, room: "general")
        try rooms.join(alice2, room: "general")
        #expect(watcher.presence == ["alice joined"], "a second tab is not a second person")
        try rooms.leave(alice1, room: "general")
        #expect(watcher.presence == ["alice joined"], "alice is still there on her other connection")
        try rooms.disconnect(alice2)
        #expect(watcher.presence == ["alice joined", "alice left"], "a drop is a leave")
        let newcomer = Inbox()
        let dave = try rooms.connect(user: "dave", deliver: newcomer.deliver)
        try rooms.join(dave, room: "general")
        #expect(newcomer.presence.isEmpty, "the one joining learns the members from join's answer, not from presence")
    }

    @Test("A broadcast reaches every connection in the room but the one excluded, and nobody outside it")
    func broadcast() throws {
        let rooms = answers.makeRooms()
        let (alice, bob, carol) = (Inbox(), Inbox(), Inbox())
        let aliceID = try rooms.connect(user: "alice", deliver: alice.deliver)
        let bobID = try rooms.connect(user: "bob", deliver: bob.deliver)
        let carolID = try rooms.connect(user: "carol", deliver: carol.deliver)
        try rooms.join(aliceID, room: "general")
        try rooms.join(bobID, room: "general")
        try rooms.join(carolID, room: "random")
        let hello = ServerMessage.message(ChatMessage(id: 1, room: "general", from: "alice", text: "hi", at: Date(), clientID: nil), ref: nil)
        try rooms.broadcast(hello, to: "general", except: aliceID)
        #expect(bob.messages.last == hello)
        #expect(!alice.messages.contains(hello), "the sender was excluded")
        #expect(carol.messages.isEmpty, "carol is in another room")
        try rooms.broadcast(hello, to: "general", except: nil)
        #expect(alice.messages.last == hello)
    }

    @Test("Disconnecting twice, or a connection never added, changes nothing; ids are never given again")
    func idempotentDisconnect() throws {
        let rooms = answers.makeRooms()
        let alice = try rooms.connect(user: "alice", deliver: Inbox().deliver)
        try rooms.join(alice, room: "general")
        try rooms.disconnect(alice)
        try rooms.disconnect(alice)
        try rooms.disconnect(alice + 1000)
        let bob = try rooms.connect(user: "bob", deliver: Inbox().deliver)
        #expect(bob != alice)
        try rooms.join(bob, room: "general")
        try rooms.disconnect(alice)
        #expect(try rooms.members(of: "general") == ["bob"], "disconnecting alice's old id again leaves bob be")
    }

    @Test("A thousand connections joining, broadcasting and dropping from many tasks at once leave nobody behind")
    func concurrentUse() async throws {
        let rooms = answers.makeRooms()
        let watcher = Inbox()
        let watcherID = try rooms.connect(user: "watcher", deliver: watcher.deliver)
        try rooms.join(watcherID, room: "room0")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let room = "room\(index % 4)"
                    let connection = try rooms.connect(user: "user\(index)", deliver: Inbox().deliver)
                    try rooms.join(connection, room: room)
                    let message = ChatMessage(id: Int64(index), room: room, from: "user\(index)", text: "hi", at: Date(), clientID: nil)
                    try rooms.broadcast(.message(message, ref: nil), to: room, except: connection)
                    try rooms.disconnect(connection)
                }
            }
            try await group.waitForAll()
        }
        #expect(try rooms.connectionCount() == 1)
        #expect(try rooms.members(of: "room0") == ["watcher"])
        for room in ["room1", "room2", "room3"] {
            #expect(try rooms.members(of: room).isEmpty)
        }
        // Each of the 250 users of room0 said hello once and left once, as far as the watcher knows.
        let hellos = watcher.messages.filter { if case .message = $0 { true } else { false } }
        #expect(hellos.count == 250)
        let left = watcher.presence.filter { $0.hasSuffix(" left") }
        #expect(left.count == 250 && Set(left).count == 250)
    }
}
