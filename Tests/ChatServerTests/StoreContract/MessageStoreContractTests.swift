import Testing

@testable import ChatServer

@Suite("The SQLite message store keeps the message store contract")
struct SQLiteMessageStoreContractTests {
    @Test("SQLite:", arguments: MessageStoreContract.allCases)
    func keeps(_ point: MessageStoreContract) async throws {
        try await point.check(on: .sqlite)
    }
}

@Suite(
    "The PostgreSQL message store keeps the message store contract",
    .enabled(if: TemporaryPostgres.isAvailable, TemporaryPostgres.unavailable)
)
struct PostgresMessageStoreContractTests {
    @Test("PostgreSQL:", arguments: MessageStoreContract.allCases)
    func keeps(_ point: MessageStoreContract) async throws {
        try await point.check(on: .postgres)
    }
}
