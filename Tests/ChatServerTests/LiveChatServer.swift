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

/// The chat server on a free port with a database of its own, as `chat-server` runs it.
///
/// - Parameters:
///   - databasePath: the database file; a fresh temporary one when `nil`.
///   - configure: changes to the test defaults (origin `https://chat.example`, warnings only).
@discardableResult
func withChatServer<Value: Sendable>(
    databasePath: String? = nil,
    _ configure: (inout ChatServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (LiveService<ChatService>) async throws -> Value
) async throws -> Value {
    if let databasePath {
        return try await run(databasePath: databasePath, configure, body)
    }
    return try await withTemporaryDatabase { path in try await run(databasePath: path, configure, body) }
}

private func run<Value: Sendable>(
    databasePath: String,
    _ configure: (inout ChatServerConfiguration) -> Void,
    _ body: @Sendable (LiveService<ChatService>) async throws -> Value
) async throws -> Value {
    var configuration = ChatServerConfiguration(
        port: 0,
        databasePath: databasePath,
        allowedOrigins: ["https://chat.example"],
        logLevel: .warning
    )
    configure(&configuration)
    let settled = configuration
    return try await withLiveService({ try ChatService(configuration: settled, onServerRunning: $0) }, body)
}

/// Waits until `condition` holds, for state that settles a moment after a client sees the event.
func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}
