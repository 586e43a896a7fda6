import Crypto
import Foundation

/// Exercise 1, the reference: the `Sec-WebSocket-Accept` value for a client's `Sec-WebSocket-Key`.
///
/// RFC 6455 §1.3. The key is used as sent, never decoded: the GUID is appended to the base64 text.
///
/// - Parameter key: the key exactly as the client sent it.
/// - Returns: the base64 of the SHA-1 digest of `key` followed by the GUID.
public func acceptValue(forKey key: String) throws -> String {
    let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    let digest = Insecure.SHA1.hash(data: Data((key + guid).utf8))
    return Data(digest).base64EncodedString()
}
