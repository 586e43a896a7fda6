import Crypto
import Foundation

/// The `Sec-WebSocket-Accept` value that proves a server read the client's handshake.
///
/// RFC 6455 §1.3 and §4.2.2: the server appends a fixed GUID to the client's `Sec-WebSocket-Key`, hashes
/// the result with SHA-1 and sends the digest in base64. SHA-1 is used here as a checksum against
/// caches and non-WebSocket servers answering by accident, not for secrecy.
public enum WebSocketAccept {
    /// The GUID that RFC 6455 §1.3 appends to every key.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// Returns the accept value for a client's key.
    ///
    /// - Parameter key: the `Sec-WebSocket-Key` exactly as the client sent it.
    /// - Returns: base64 of the SHA-1 digest of `key` followed by ``guid``.
    public static func value(forKey key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Data((key + guid).utf8))
        return Data(digest).base64EncodedString()
    }
}
