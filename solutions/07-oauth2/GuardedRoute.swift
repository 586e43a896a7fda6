import ChatServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import LessonKit
import NIOWebSocket

/// Exercise 3, the reference: who a handshake speaks for, from its token in any of three carriers,
/// or the refusal of RFC 6750 §3.
public func authorize(_ request: HTTPRequest, verifier: any AccessTokenVerifying) async throws -> Result<VerifiedAccess, HandshakeRefusal> {
    let offered = Set(bearerTokens(in: request))
    guard offered.count <= 1 else {
        let description = "send the access token in one place only"
        return .failure(
            HandshakeRefusal(
                status: .badRequest,
                reason: "Bad request: \(description).",
                headers: [.wwwAuthenticate: #"Bearer realm="chat", error="invalid_request", error_description="\#(description)""#]
            )
        )
    }
    guard let token = offered.first else {
        // No credentials at all: a challenge with no error code (RFC 6750 §3.1).
        return .failure(
            HandshakeRefusal(
                status: .unauthorized,
                reason: "Unauthorized: present an access token.",
                headers: [.wwwAuthenticate: #"Bearer realm="chat""#]
            )
        )
    }
    do {
        return .success(try await verifier.verify(token, requiring: "chat:read"))
    } catch let refusal as TokenRefusal {
        let status: HTTPResponse.Status = refusal.code == .insufficientScope ? .forbidden : .unauthorized
        var challenge = #"Bearer realm="chat", error="\#(refusal.code.rawValue)""#
        challenge += refusal.code == .insufficientScope ? #", scope="chat:read""# : #", error_description="\#(refusal.reason)""#
        return .failure(
            HandshakeRefusal(status: status, reason: "\(status.reasonPhrase): \(refusal.reason).", headers: [.wwwAuthenticate: challenge])
        )
    }
}

/// Every token the request carries: `Authorization: Bearer`, `?access_token=`, and `bearer.` subprotocols.
func bearerTokens(in request: HTTPRequest) -> [String] {
    var tokens: [String] = []
    for value in request.headerFields[values: .authorization] {
        let parts = value.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[0].lowercased() == "bearer" { tokens.append(String(parts[1]).trimmingCharacters(in: .whitespaces)) }
    }
    if let query = URI(request.path ?? "").queryParameters["access_token"] {
        tokens.append(String(query))
    }
    for element in request.headerFields[values: .secWebSocketProtocol].flatMap({ $0.split(separator: ",") }) {
        let trimmed = element.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("bearer.") { tokens.append(String(trimmed.dropFirst("bearer.".count))) }
    }
    return tokens
}

/// Exercise 3, the reference: one guarded connection. Each text message comes back as
/// `{"type":"message","from":USER,"text":TEXT}`; when the token expires, the connection closes with
/// 1008 "token expired".
public func guardedConnection(_ access: VerifiedAccess, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await Task.sleep(for: .seconds(max(0, access.expiresAt.timeIntervalSinceNow)))
            try await outbound.close(.policyViolation, reason: "token expired")
        }
        for try await message in inbound.messages(maxSize: 64 * 1024) {
            guard case .text(let text) = message else { continue }
            let reply = ["type": "message", "from": access.user, "text": text]
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let data = try encoder.encode(reply)
            try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
        }
        group.cancelAll()
    }
}
