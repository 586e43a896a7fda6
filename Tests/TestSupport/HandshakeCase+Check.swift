import ChatServer
import HTTPTypes
import Testing

extension HandshakeRequest {
    /// The accept value RFC 6455 §1.3 gives for ``exampleKey``.
    public static let exampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
}

extension HandshakeCase {
    /// Records an issue for every way `decision` differs from what the case expects.
    public func check(_ decision: UpgradeDecision, sourceLocation: SourceLocation = #_sourceLocation) {
        switch (expected, decision) {
        case (.accept(let subprotocol), .accept(let fields)):
            #expect(fields[.upgrade]?.lowercased() == "websocket", sourceLocation: sourceLocation)
            #expect(fields[.connection]?.lowercased() == "upgrade", sourceLocation: sourceLocation)
            #expect(fields[.secWebSocketAccept] == HandshakeRequest.exampleAccept, sourceLocation: sourceLocation)
            #expect(fields[.secWebSocketProtocol] == subprotocol, "the subprotocol picked", sourceLocation: sourceLocation)
        case (.refuse(let status, let field), .refuse(let refusal)):
            #expect(refusal.status.code == status, "\(refusal.reason)", sourceLocation: sourceLocation)
            if let field {
                #expect(refusal.headers[HTTPField.Name(field.name)!] == field.value, sourceLocation: sourceLocation)
            }
        default:
            Issue.record("\(name): expected \(expected), decided \(decision)", sourceLocation: sourceLocation)
        }
    }

    /// Records an issue for every way a server's `response` differs from what the case expects.
    public func check(_ response: RawHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        switch expected {
        case .accept(let subprotocol):
            #expect(response.status == 101, "\(response)", sourceLocation: sourceLocation)
            #expect(response.values("Sec-WebSocket-Accept") == [HandshakeRequest.exampleAccept], sourceLocation: sourceLocation)
            #expect(response.values("Sec-WebSocket-Protocol") == (subprotocol.map { [$0] } ?? []), sourceLocation: sourceLocation)
        case .refuse(let status, let field):
            #expect(response.status == status, "\(response)", sourceLocation: sourceLocation)
            if let field {
                #expect(response.values(field.name) == [field.value], sourceLocation: sourceLocation)
            }
            #expect(response.closedByServer, "a refused handshake ends the connection", sourceLocation: sourceLocation)
        }
    }
}

extension HandshakeCase.Expected: CustomStringConvertible {
    public var description: String {
        switch self {
        case .accept(let subprotocol): "101 with subprotocol \(subprotocol ?? "none")"
        case .refuse(let status, let field): "\(status)" + (field.map { " with \($0.name): \($0.value)" } ?? "")
        }
    }
}
