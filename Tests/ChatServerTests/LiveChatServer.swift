import Foundation
import Logging
import TestSupport

@testable import ChatServer

/// A fresh database file in a folder of its own, removed after the body.
func withTemporaryDatabase<Value>(_ body: (String) async throws -> Value) async throws -> Value {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chat-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder.appendingPathComponent("chat.sqlite").path)
}

extension ChatServerConfiguration {
    /// The tests' defaults: a free port, the origin `https://chat.example`, clients named by `?name=`,
    /// warnings only, and a fresh temporary database unless `databasePath` is set.
    static func testing(_ change: (inout Self) -> Void = { _ in }) -> Self {
        var configuration = ChatServerConfiguration(
            port: 0,
            databasePath: "",
            allowedOrigins: ["https://chat.example"],
            authentication: .anonymousForDevelopment,
            passwordHashCost: 4,
            logLevel: .warning
        )
        change(&configuration)
        return configuration
    }
}

/// The chat server on a free port, as `chat-server` runs it, for the length of `body`.
@discardableResult
func withChatServer<Value: Sendable>(
    _ configuration: ChatServerConfiguration = .testing(),
    logger: Logger? = nil,
    _ body: @Sendable (LiveService<ChatService>) async throws -> Value
) async throws -> Value {
    guard configuration.databasePath.isEmpty else {
        return try await withLiveService({ try await ChatService(configuration: configuration, logger: logger, onServerRunning: $0) }, body)
    }
    return try await withTemporaryDatabase { path in
        var configuration = configuration
        configuration.databasePath = path
        return try await withChatServer(configuration, logger: logger, body)
    }
}
