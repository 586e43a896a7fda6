import Testing

@testable import ChatServer

@Suite("The SQLite account stores and the in-memory sign-in throttle keep the account contracts")
struct SQLiteAccountContractTests {
    @Test("SQLite users:", arguments: UserStoreContract.allCases)
    func users(_ point: UserStoreContract) async throws {
        try await point.check(on: .sqlite)
    }

    @Test("SQLite refresh tokens:", arguments: RefreshTokenStoreContract.allCases)
    func refreshTokens(_ point: RefreshTokenStoreContract) async throws {
        try await point.check(on: .sqlite)
    }

    @Test("In-memory sign-in throttle:", arguments: LoginThrottleContract.allCases)
    func throttle(_ point: LoginThrottleContract) async throws {
        try await point.check(on: .sqlite)
    }
}

@Suite(
    "The PostgreSQL account stores and sign-in throttle keep the account contracts",
    .enabled(if: TemporaryPostgres.isAvailable, TemporaryPostgres.unavailable)
)
struct PostgresAccountContractTests {
    @Test("PostgreSQL users:", arguments: UserStoreContract.allCases)
    func users(_ point: UserStoreContract) async throws {
        try await point.check(on: .postgres)
    }

    @Test("PostgreSQL refresh tokens:", arguments: RefreshTokenStoreContract.allCases)
    func refreshTokens(_ point: RefreshTokenStoreContract) async throws {
        try await point.check(on: .postgres)
    }

    @Test("PostgreSQL sign-in throttle:", arguments: LoginThrottleContract.allCases)
    func throttle(_ point: LoginThrottleContract) async throws {
        try await point.check(on: .postgres)
    }
}
