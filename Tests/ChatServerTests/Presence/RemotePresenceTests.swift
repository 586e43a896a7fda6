import Testing

@testable import ChatServer

/// The other processes' presence as one process keeps it: pure values, no I/O.
@Suite("Presence on other processes, by process")
struct RemotePresenceTests {
    let alice = Presence(room: "general", user: "alice")
    let bob = Presence(room: "general", user: "bob")

    @Test("A user is joined with the first process that has her and left with the last one")
    func firstAndLastProcess() {
        var remote = RemotePresence()
        #expect(remote.add(alice, on: "a") == .joined(alice))
        #expect(remote.add(alice, on: "b") == nil)
        #expect(remote.add(alice, on: "b") == nil, "adding twice changes nothing")
        #expect(remote.remove(alice, on: "a") == nil)
        #expect(remote.remove(alice, on: "a") == nil, "removing twice changes nothing")
        #expect(remote.remove(alice, on: "b") == .left(alice))
        #expect(remote.remove(bob, on: "b") == nil, "removing what was never there changes nothing")
    }

    @Test("A process that is gone takes with it the users no other process has")
    func processGone() {
        var remote = RemotePresence()
        _ = remote.add(alice, on: "a")
        _ = remote.add(bob, on: "a")
        _ = remote.add(bob, on: "b")
        #expect(remote.removeProcess("a") == [.left(alice)])
        #expect(remote.removeProcess("a") == [])
        #expect(remote.removeProcess("b") == [.left(bob)])
    }

    @Test("Reading everyone anew gives the differences only: a user who moved between processes changes nothing")
    func replace() {
        var remote = RemotePresence()
        _ = remote.add(alice, on: "a")
        _ = remote.add(bob, on: "a")
        let carol = Presence(room: "random", user: "carol")
        #expect(remote.replace(with: ["b": [alice, carol]]) == [.left(bob), .joined(carol)])
        #expect(remote.replace(with: ["b": [alice, carol]]) == [])
        #expect(remote.remove(alice, on: "a") == nil, "process a has no one any more")
        #expect(remote.removeProcess("b") == [.left(alice), .left(carol)])
    }
}
