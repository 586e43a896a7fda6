import ChatServer
import HTTPTypes
public import Testing

/// One handshake and the answer RFC 6455 calls for, shared by every suite that checks a handshake
/// decision, so the learner's answer, the reference and the final server are held to the same cases.
public struct HandshakeCase: Sendable, CustomTestStringConvertible {
    /// What the case shows, as the test report names it.
    public let name: String
    /// The request, raw, as a client sends it.
    public let request: HandshakeRequest
    /// What the server must answer.
    public let expected: Expected

    public enum Expected: Sendable {
        /// `101`, with this subprotocol or none.
        case accept(subprotocol: String?)
        /// A refusal with this status and, if given, this header field.
        case refuse(status: Int, field: (name: String, value: String)? = nil)
    }

    public var testDescription: String { name }

    /// The policy the cases are decided under: one listed origin and two subprotocols.
    public static let policy = HandshakePolicy(allowedOrigins: ["https://chat.example"], subprotocols: ["chat.v1", "echo"])

    /// Every case, valid handshakes first.
    public static let all: [HandshakeCase] = accepted + refused

    static let valid = HandshakeRequest()

    public static let accepted: [HandshakeCase] = [
        .init(name: "a valid handshake", request: valid, expected: .accept(subprotocol: nil)),
        .init(
            name: "tokens in any case",
            request: valid.with {
                $0.set("Upgrade", "WebSocket")
                $0.set("Connection", "UPGRADE")
            },
            expected: .accept(subprotocol: nil)
        ),
        .init(
            name: "Connection: keep-alive, Upgrade",
            request: valid.with { $0.set("Connection", "keep-alive, Upgrade") },
            expected: .accept(subprotocol: nil)
        ),
        .init(
            name: "header names in lower case",
            request: valid.with {
                $0.set("Sec-WebSocket-Key", nil)
                $0.add("sec-websocket-key", HandshakeRequest.exampleKey)
            },
            expected: .accept(subprotocol: nil)
        ),
        .init(name: "an allowed origin", request: valid.with { $0.add("Origin", "https://chat.example") }, expected: .accept(subprotocol: nil)),
        .init(
            name: "the server's own origin",
            request: valid.with {
                $0.set("Host", "localhost:8080")
                $0.add("Origin", "http://localhost:8080")
            },
            expected: .accept(subprotocol: nil)
        ),
        .init(
            name: "a native client's ws:// origin",
            request: valid.with { $0.add("Origin", "ws://127.0.0.1") },
            expected: .accept(subprotocol: nil)
        ),
        .init(
            name: "the client's first supported subprotocol",
            request: valid.with { $0.add("Sec-WebSocket-Protocol", "mqtt, echo, chat.v1") },
            expected: .accept(subprotocol: "echo")
        ),
        .init(
            name: "subprotocols offered on two lines",
            request: valid.with {
                $0.add("Sec-WebSocket-Protocol", "mqtt")
                $0.add("Sec-WebSocket-Protocol", "chat.v1")
            },
            expected: .accept(subprotocol: "chat.v1")
        ),
        .init(
            name: "no supported subprotocol offered",
            request: valid.with { $0.add("Sec-WebSocket-Protocol", "mqtt, wamp") },
            expected: .accept(subprotocol: nil)
        ),
    ]

    public static let refused: [HandshakeCase] = [
        .init(name: "a POST", request: valid.with { $0.method = "POST" }, expected: .refuse(status: 400)),
        .init(name: "no Upgrade", request: valid.with { $0.set("Upgrade", nil) }, expected: .refuse(status: 400)),
        .init(name: "Upgrade to another protocol", request: valid.with { $0.set("Upgrade", "h2c") }, expected: .refuse(status: 400)),
        .init(name: "Connection without Upgrade", request: valid.with { $0.set("Connection", "keep-alive") }, expected: .refuse(status: 400)),
        .init(name: "no version", request: valid.with { $0.set("Sec-WebSocket-Version", nil) }, expected: .refuse(status: 400)),
        .init(
            name: "version 8",
            request: valid.with { $0.set("Sec-WebSocket-Version", "8") },
            expected: .refuse(status: 426, field: ("Sec-WebSocket-Version", "13"))
        ),
        .init(name: "no key", request: valid.with { $0.set("Sec-WebSocket-Key", nil) }, expected: .refuse(status: 400)),
        .init(name: "a key that is not base64", request: valid.with { $0.set("Sec-WebSocket-Key", "not base64!") }, expected: .refuse(status: 400)),
        .init(name: "a key of 15 bytes", request: valid.with { $0.set("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA") }, expected: .refuse(status: 400)),
        .init(name: "two keys", request: valid.with { $0.add("Sec-WebSocket-Key", "AQIDBAUGBwgJCgsMDQ4PEA==") }, expected: .refuse(status: 400)),
        .init(name: "a foreign origin", request: valid.with { $0.add("Origin", "https://evil.example") }, expected: .refuse(status: 403)),
        .init(
            name: "a native origin and a foreign one",
            request: valid.with {
                $0.add("Origin", "ws://127.0.0.1")
                $0.add("Origin", "https://evil.example")
            },
            expected: .refuse(status: 403)
        ),
        .init(name: "a sandboxed page's null origin", request: valid.with { $0.add("Origin", "null") }, expected: .refuse(status: 403)),
        .init(
            name: "an origin on the same host but another port",
            request: valid.with {
                $0.set("Host", "localhost:8080")
                $0.add("Origin", "http://localhost:9999")
            },
            expected: .refuse(status: 403)
        ),
    ]
}

extension HandshakeRequest {
    /// The request as a server's handshake decision sees it, for deciding without a network.
    public var httpRequest: HTTPRequest {
        var headerFields = HTTPFields()
        var authority: String?
        for field in fields {
            if field.name.lowercased() == "host" {
                authority = field.value
            } else if let name = HTTPField.Name(field.name) {
                headerFields.append(HTTPField(name: name, value: field.value))
            }
        }
        return HTTPRequest(method: HTTPRequest.Method(method)!, scheme: nil, authority: authority, path: path, headerFields: headerFields)
    }
}
