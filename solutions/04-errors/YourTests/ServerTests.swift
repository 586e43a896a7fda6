import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOWebSocket
import Testing

/// Exercise 4, the reference: a malformed message is answered with `invalid_json`, and the connection
/// carries on.
///
/// - Parameter app: the server under test, not yet running.
public func malformedMessageKeepsTheConnection(_ app: some ApplicationProtocol) async throws {
    _ = try await app.test(.live) { client in
        try await client.ws("/ws?name=alice") { inbound, outbound, _ in
            var replies = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
            try await outbound.write(.text("this is not JSON"))
            let error = try #require(try await replies.next(), "the server closed instead of answering")
            #expect(try Event(error).type == "error")
            #expect(try Event(error).code == "invalid_json")

            // Still open: the next message is served as usual.
            try await outbound.write(.text(#"{"type":"say","text":"still here"}"#))
            let said = try #require(try await replies.next(), "the server closed after answering")
            #expect(try Event(said).type == "said")
            #expect(try Event(said).text == "still here")
        }
    }
}

/// Exercise 4, the reference: a bug in one connection's handler closes that connection with 1011,
/// and a neighbour on the same server keeps chatting.
///
/// - Parameter app: the server under test, not yet running.
public func handlerBugClosesOnlyItsConnection(_ app: some ApplicationProtocol) async throws {
    _ = try await app.test(.live) { client in
        try await client.ws("/ws?name=alice") { inbound, outbound, _ in
            var replies = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
            // Alice's own line coming back shows that she is in the room before bob's bug.
            try await outbound.write(.text(#"{"type":"say","text":"hello"}"#))
            _ = try await replies.next()

            let close = try await client.ws("/ws?name=bob") { inbound, outbound, _ in
                try await outbound.write(.text(#"{"type":"boom"}"#))
                for try await _ in inbound.messages(maxSize: 1 << 16) {}
            }
            #expect(close?.closeCode == .unexpectedServerError)
            #expect(close?.reason?.contains("ref") == true)

            try await outbound.write(.text(#"{"type":"say","text":"still here"}"#))
            let said = try #require(try await replies.next(), "alice's connection closed too")
            #expect(try Event(said).text == "still here")
        }
    }
}

/// The fields of the server's messages that these tests read.
private struct Event: Decodable {
    var type: String
    var code: String?
    var text: String?

    init(_ message: WebSocketMessage) throws {
        guard case .text(let text) = message else { throw UnexpectedBinary() }
        self = try JSONDecoder().decode(Self.self, from: Data(text.utf8))
    }
}

private struct UnexpectedBinary: Error {}
