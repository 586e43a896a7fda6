import ChatServer
import Foundation
import HTTPTypes

/// Exercise 2, the reference: decide on a WebSocket opening handshake, before anything is written.
///
/// The checks follow RFC 6455 §4.2.1 in order, so the first refusal names the most basic mistake.
///
/// - Parameters:
///   - request: the handshake's method, authority and header fields.
///   - policy: the origins and subprotocols this server allows.
/// - Returns: `.accept(fields)` for the `101` response, or `.refuse(refusal)`.
public func decideUpgrade(_ request: HTTPRequest, policy: HandshakePolicy) throws -> UpgradeDecision {
    let fields = request.headerFields

    // 1–3: is this a WebSocket handshake at all?
    if request.method != .get {
        return .refuse(.badRequest("A WebSocket handshake is a GET request."))
    }
    if !tokens(of: .upgrade, in: fields).contains("websocket") {
        return .refuse(.badRequest("Upgrade must name websocket."))
    }
    if !tokens(of: .connection, in: fields).contains("upgrade") {
        return .refuse(.badRequest("Connection must include Upgrade."))
    }

    // 4: the version. Another version gets 426 and the version this server speaks (§4.4).
    let versions = fields[values: .secWebSocketVersion]
    if versions.isEmpty {
        return .refuse(.badRequest("Sec-WebSocket-Version is missing."))
    }
    if versions != ["13"] {
        return .refuse(.unsupportedVersion("Only WebSocket version 13 is spoken here."))
    }

    // 5: the key, once, and 16 random bytes in base64.
    let keys = fields[values: .secWebSocketKey]
    guard keys.count == 1, let key = keys.first, Data(base64Encoded: key)?.count == 16 else {
        return .refuse(.badRequest("Sec-WebSocket-Key must be base64 of 16 bytes, sent once."))
    }

    // 6: a browser says where the page came from; refuse pages from other sites (§10.2). A browser
    // sends one Origin; a client that sends more must have all of them allowed.
    for origin in fields[values: .origin] where !isAllowed(origin: origin, authority: request.authority, policy: policy) {
        return .refuse(.forbidden("Origin \(origin) is not allowed."))
    }

    // Accept: the proof that we read the key, and the subprotocol we pick from the client's offer.
    var accepted: HTTPFields = [.upgrade: "websocket", .connection: "Upgrade"]
    accepted[.secWebSocketAccept] = try acceptValue(forKey: key)
    let offered = fields[values: .secWebSocketProtocol].flatMap { $0.split(separator: ",") }
    let offeredNames = offered.map { $0.trimmingCharacters(in: .whitespaces) }
    if let chosen = offeredNames.first(where: policy.subprotocols.contains) {
        accepted[.secWebSocketProtocol] = chosen
    }
    return .accept(accepted)
}

/// The comma-separated tokens of a field, trimmed and lower-cased: `Upgrade` and `Connection` compare
/// without regard to case.
private func tokens(of name: HTTPField.Name, in fields: HTTPFields) -> [String] {
    fields[values: name]
        .flatMap { $0.split(separator: ",") }
        .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
}

/// An origin is allowed when it is a native client's (`ws://`, `wss://`), when the policy lists it (or
/// `*`), or when it is the host the request was sent to. Browsers always send their page's `http(s)`
/// origin; a native client can send anything, so checking its origin would protect nothing.
private func isAllowed(origin: String, authority: String?, policy: HandshakePolicy) -> Bool {
    let origin = origin.lowercased()
    if origin.hasPrefix("ws://") || origin.hasPrefix("wss://") {
        return true
    }
    if policy.allowedOrigins.contains("*") || policy.allowedOrigins.map({ $0.lowercased() }).contains(origin) {
        return true
    }
    guard let host = authority?.lowercased() else { return false }
    return origin == "http://\(host)" || origin == "https://\(host)"
}
