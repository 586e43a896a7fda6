import Foundation
public import HTTPTypes

extension HandshakePolicy {
    /// Decides on a WebSocket opening handshake.
    ///
    /// The checks run in the order of RFC 6455 §4.2.1 (method, `Upgrade`, `Connection`, version, key),
    /// then the origin (§10.2), then the subprotocol (§4.2.2). The first one that fails decides the
    /// refusal, so a client always learns the most basic thing it got wrong.
    ///
    /// - Parameter request: the request line and header fields of the handshake.
    /// - Returns: the `101` response's header fields, or a refusal with its status.
    public func decide(_ request: HTTPRequest) -> UpgradeDecision {
        let fields = request.headerFields
        guard request.method == .get else {
            return .refuse(.badRequest("A WebSocket handshake is a GET request, not \(request.method)."))
        }
        guard fields.lowercasedTokens(.upgrade).contains("websocket") else {
            return .refuse(.badRequest("The Upgrade header must name websocket."))
        }
        guard fields.lowercasedTokens(.connection).contains("upgrade") else {
            return .refuse(.badRequest("The Connection header must include the Upgrade token."))
        }
        let versions = fields[values: .secWebSocketVersion]
        guard !versions.isEmpty else {
            return .refuse(.badRequest("Sec-WebSocket-Version is missing."))
        }
        guard versions == ["13"] else {
            return .refuse(.unsupportedVersion("This server speaks WebSocket version 13 only."))
        }
        let keys = fields[values: .secWebSocketKey]
        guard keys.count == 1, let key = keys.first, Data(base64Encoded: key)?.count == 16 else {
            return .refuse(.badRequest("Sec-WebSocket-Key must be sent once, as base64 of 16 bytes."))
        }
        // A browser sends one Origin; a client that sends several must have every one allowed.
        if let origin = fields[values: .origin].first(where: { !allows(origin: $0, sentTo: request.authority) }) {
            return .refuse(.forbidden("Origin \(origin) may not open WebSockets here."))
        }

        var accepted: HTTPFields = [
            .upgrade: "websocket",
            .connection: "Upgrade",
            .secWebSocketAccept: WebSocketAccept.value(forKey: key),
        ]
        if let chosen = fields.tokens(.secWebSocketProtocol).first(where: { subprotocols.contains(String($0)) }) {
            accepted[.secWebSocketProtocol] = String(chosen)
        }
        return .accept(accepted)
    }

    /// Whether a client that sent `origin` may open a WebSocket on the host it sent the request to.
    ///
    /// Browsers send the `http` or `https` origin of the page, and that is what the check is for. A
    /// `ws://` or `wss://` origin comes from a native client (Hummingbird's sends one), which could send
    /// any origin it liked, so refusing it would protect nothing.
    func allows(origin: String, sentTo authority: String?) -> Bool {
        let origin = origin.lowercased()
        if origin.hasPrefix("ws://") || origin.hasPrefix("wss://") {
            return true
        }
        if allowedOrigins.contains("*") || allowedOrigins.contains(where: { $0.lowercased() == origin }) {
            return true
        }
        guard let authority = authority?.lowercased() else { return false }
        return origin == "http://\(authority)" || origin == "https://\(authority)"
    }
}
