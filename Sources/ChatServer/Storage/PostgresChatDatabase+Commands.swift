extension PostgresChatDatabase {
    /// Runs `body` while the pool runs: for a command that uses the database once, such as
    /// `users add`, which calls ``migrate()`` first.
    public func whileRunning<Value: Sendable>(_ body: () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}
