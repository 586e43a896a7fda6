import PostgresNIO
import Testing

@testable import ChatServer

@Suite("PostgreSQL addresses are read as libpq reads them")
struct PostgresURLTests {
    @Test("Every part of a postgres:// address reaches the client configuration")
    func everyPart() throws {
        let configuration = try PostgresURL.configuration(from: "postgresql://chat%40ops:s%3Acret@db.example:6543/chat%20history?sslmode=disable")
        #expect(configuration.username == "chat@ops")
        #expect(configuration.password == "s:cret")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.database == "chat history")
    }

    @Test("Without a port, host or database: 5432, localhost, and the server's default database")
    func defaults() throws {
        let configuration = try PostgresURL.configuration(from: "postgres://chat@")
        #expect(configuration.host == "localhost" && configuration.port == 5432)
        #expect(configuration.database == nil && configuration.password == nil)
    }

    @Test("A bad address is refused with the reason, never with the password it holds")
    func refusals() {
        for (url, reason) in [
            ("mysql://chat:secret@db/chat", "it must read postgres://user:password@host:port/database"),
            ("postgres://:secret@db/chat", "it names no user"),
            ("postgres://chat:secret@db/chat?sslmode=verify-full", "sslmode verify-full is not one of disable, prefer, require"),
        ] {
            let error = #expect(throws: PostgresURLError.self) { try PostgresURL.configuration(from: url) }
            #expect(error == PostgresURLError(reason))
            #expect(error?.description.contains("secret") == false)
        }
    }
}
