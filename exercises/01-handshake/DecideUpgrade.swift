import ChatServer
import Foundation
import HTTPTypes
import LessonKit

/// Exercise 2: decide on a WebSocket opening handshake, before anything is written.
///
/// Check, in this order, and refuse at the first failure (RFC 6455 §4.2.1):
/// 1. the method is GET, else 400;
/// 2. `Upgrade` has the token `websocket`, else 400;
/// 3. `Connection` has the token `upgrade`, else 400 (`Connection: keep-alive, Upgrade` is fine);
/// 4. `Sec-WebSocket-Version` is present, else 400, and is exactly `13`, else 426 with
///    `Sec-WebSocket-Version: 13` (use `HandshakeRefusal.unsupportedVersion`);
/// 5. `Sec-WebSocket-Key` is sent once and is base64 of 16 bytes, else 400;
/// 6. every `Origin` field (a browser sends one; there may be none) is allowed: it is listed in
///    `policy.allowedOrigins` (`"*"` allows any), or it is `http://` or `https://` followed by the host
///    the request was sent to (`request.authority`), or it starts with `ws://` or `wss://` (a native
///    client's; browsers send their page's origin), else 403.
///
/// Tokens and header names compare case-insensitively; `HTTPFields` already matches names that way.
/// Then accept with these fields for the `101` response: `Upgrade: websocket`, `Connection: Upgrade`,
/// `Sec-WebSocket-Accept` (your exercise 1), and `Sec-WebSocket-Protocol` with the first subprotocol
/// the client offered that `policy.subprotocols` contains, if any.
///
/// - Parameters:
///   - request: the handshake's method, authority and header fields.
///   - policy: the origins and subprotocols this server allows.
/// - Returns: `.accept(fields)` or `.refuse(refusal)`.
public func decideUpgrade(_ request: HTTPRequest, policy: HandshakePolicy) throws -> UpgradeDecision {
    // TODO: write the six checks above, then build the accepted fields. Then delete the line below.
    throw NotDoneYet("decide on the handshake: the six checks, then the 101's fields, in DecideUpgrade.swift")
}
