import LessonKit
import Testing

/// Exercise 2: the registry, alone and under concurrent use.
@Suite("Exercise 2: the registry")
struct RegistryTests {
    let answers = Lesson03Answers.checked

    @Test("Each connection gets an id of its own; a user is online while any of theirs is open")
    func connections() throws {
        let registry = answers.makeRegistry()
        let first = try registry.connect(user: "alice")
        let second = try registry.connect(user: "alice")
        let third = try registry.connect(user: "bob")
        #expect(Set([first, second, third]).count == 3)
        #expect(try registry.connectionCount() == 3)
        #expect(try registry.online() == ["alice", "bob"])
        try registry.disconnect(first)
        #expect(try registry.online() == ["alice", "bob"], "alice has another connection open")
        try registry.disconnect(second)
        #expect(try registry.online() == ["bob"])
        #expect(try registry.connectionCount() == 1)
    }

    @Test("Removing a connection twice, or one never added, changes nothing; ids are never given again")
    func idempotentRemoval() throws {
        let registry = answers.makeRegistry()
        let alice = try registry.connect(user: "alice")
        try registry.disconnect(alice)
        try registry.disconnect(alice)
        try registry.disconnect(alice + 1000)
        #expect(try registry.connectionCount() == 0)
        let bob = try registry.connect(user: "bob")
        #expect(bob != alice)
        try registry.disconnect(alice)
        #expect(try registry.online() == ["bob"], "removing alice's old id again does not remove bob")
    }

    @Test("A thousand connections opened and closed at once, from many tasks, leave it empty")
    func concurrentUse() async throws {
        let registry = answers.makeRegistry()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let connection = try registry.connect(user: "user\(index % 10)")
                    try registry.disconnect(connection)
                }
            }
            try await group.waitForAll()
        }
        #expect(try registry.connectionCount() == 0)
        #expect(try registry.online().isEmpty)
    }
}
