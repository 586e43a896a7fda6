import Crypto
import Foundation
import LessonKit

/// Exercise 1: the `Sec-WebSocket-Accept` value for a client's `Sec-WebSocket-Key`.
///
/// RFC 6455 §1.3: append the GUID `258EAFA5-E914-47DA-95CA-C5AB0DC85B11` to the key, hash the result
/// with SHA-1, and encode the 20-byte digest in base64. The RFC's own example: the key
/// `dGhlIHNhbXBsZSBub25jZQ==` gives `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`.
///
/// - Parameter key: the key exactly as the client sent it (do not decode it).
/// - Returns: the base64 of the SHA-1 digest of `key` followed by the GUID.
public func acceptValue(forKey key: String) throws -> String {
    // TODO: hash `key + GUID` with `Insecure.SHA1.hash(data:)` and return the digest in base64
    // (`Data(digest).base64EncodedString()`). Then delete the line below.
    throw NotDoneYet("compute Sec-WebSocket-Accept: base64(SHA-1(key + GUID)), in AcceptValue.swift")
}
