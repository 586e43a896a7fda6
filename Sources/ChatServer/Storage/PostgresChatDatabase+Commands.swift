extension PostgresChatDatabase {
    /// Runs `body` while the pool runs, the schema migrated first: for a command that uses the
    /// database once, such as `users add`.
    public func whileRunning<Value: Sendable>(_ body: () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.run() }
            defer { group.cancelAll() }
            try await migrate()
            return try await body()
        }
    }
}
