import Logging
import PostgresNIO

/// The PostgreSQL schema, one migration at a time: each applied once, in order, and recorded in
/// `chat_migration`.
enum PostgresMigrations {
    /// A migration: its name, as recorded, and its statements.
    struct Migration {
        let name: String
        let statements: [String]
    }

    static let all: [Migration] = [
        Migration(
            name: "v1: messages",
            statements: [
                """
                CREATE TABLE message (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    room text,
                    recipient text,
                    sender text NOT NULL,
                    text text NOT NULL,
                    created_at timestamptz NOT NULL,
                    client_id text,
                    -- NULLs are distinct under a unique key: messages without a client id never clash.
                    UNIQUE (sender, client_id)
                )
                """,
                "CREATE INDEX message_room_id ON message (room, id)",
                // A user's direct messages are found by recipient here, and by sender through the
                // (sender, client_id) key.
                "CREATE INDEX message_recipient_id ON message (recipient, id)",
            ]
        ),
        Migration(
            name: "v2: accounts",
            statements: [
                // `user` is a reserved word in PostgreSQL.
                """
                CREATE TABLE chat_user (
                    name text PRIMARY KEY,
                    password_hash text NOT NULL,
                    scopes text NOT NULL,
                    is_disabled boolean NOT NULL DEFAULT false,
                    created_at timestamptz NOT NULL
                )
                """,
                """
                CREATE TABLE refresh_token (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    token_hash text NOT NULL UNIQUE,
                    family text NOT NULL,
                    user_name text NOT NULL REFERENCES chat_user (name) ON DELETE CASCADE,
                    scopes text NOT NULL,
                    expires_at timestamptz NOT NULL,
                    used_at timestamptz,
                    revoked_at timestamptz
                )
                """,
                "CREATE INDEX refresh_token_family ON refresh_token (family)",
                // A new password revokes a user's tokens, and removing the user deletes them.
                "CREATE INDEX refresh_token_user_name ON refresh_token (user_name)",
                // Failed sign-ins, counted by every process (``PostgresLoginThrottle``); rows older than
                // the throttle's window are deleted as new ones come.
                """
                CREATE TABLE login_failure (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    name text NOT NULL,
                    address text NOT NULL,
                    failed_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX login_failure_name ON login_failure (name, failed_at)",
                "CREATE INDEX login_failure_address ON login_failure (address, failed_at)",
                "CREATE INDEX login_failure_failed_at ON login_failure (failed_at)",
            ]
        ),
        Migration(
            name: "v3: presence",
            statements: [
                // Each running process, and when it last said so: one that stops saying so is swept
                // away with its presence (see ``PostgresPresence``).
                "CREATE TABLE chat_process (id text PRIMARY KEY, heartbeat_at timestamptz NOT NULL)",
                """
                CREATE TABLE chat_presence (
                    process text NOT NULL REFERENCES chat_process (id) ON DELETE CASCADE,
                    room text NOT NULL,
                    user_name text NOT NULL,
                    PRIMARY KEY (process, room, user_name)
                )
                """,
            ]
        ),
    ]

    /// Applies the migrations not yet applied, in one transaction.
    ///
    /// Processes that start together take turns on an advisory lock, so the second finds the work done
    /// instead of failing on a table that already exists.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(AdvisoryLock.migrations))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS chat_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger
            )
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM chat_migration", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            for migration in all where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO chat_migration (name) VALUES (\(migration.name))", logger: logger)
                logger.info("Migrated the PostgreSQL database", metadata: ["migration": "\(migration.name)"])
            }
        }
    }
}

/// The keys of the advisory locks the server takes: one number each, arbitrary but fixed, shared by
/// every process on the database.
enum AdvisoryLock {
    /// Held while the schema is migrated.
    static let migrations: Int64 = 0x6368_6174_6d69_6772
    /// Held by each transaction that stores messages, until it commits (see ``PostgresMessageStore``).
    static let messageWriter: Int64 = 0x6368_6174_6d73_6773
}
