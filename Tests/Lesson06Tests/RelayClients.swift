import HummingbirdWSClient
import Logging
import NIOConcurrencyHelpers
import Testing

/// A client of `/fast` that counts the messages it receives in `counts[index]` until the server or
/// the test ends it.
func receive(port: Int, index: Int, counts: NIOLockedValueBox<[Int]>) async throws {
    _ = try await withSender(port: port, index: index, counts: counts) { _ in
        try await Task.sleep(for: .seconds(120))
    }
}

/// A client of `/fast` that counts what it receives while `body` sends with the function it is given.
func withSender<Value: Sendable>(
    port: Int,
    index: Int,
    counts: NIOLockedValueBox<[Int]>,
    _ body: @escaping @Sendable (_ send: @Sendable (String) async throws -> Void) async throws -> Value
) async throws -> Value {
    let result = NIOLockedValueBox<Value?>(nil)
    try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(port)/fast",
        configuration: .init(maxFrameSize: 1 << 20),
        logger: Logger(label: "lesson06-test")
    ) { inbound, outbound, _ in
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 22) {
                    if case .text = message { counts.withLockedValue { $0[index] += 1 } }
                }
            }
            let value = try await body { text in try await outbound.write(.text(text)) }
            result.withLockedValue { $0 = value }
            group.cancelAll()
        }
    }
    return try #require(result.withLockedValue { $0 })
}
