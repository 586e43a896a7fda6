import Crypto
import Foundation
import JWTKit

/// The key access tokens are signed and verified with.
public struct SigningKey: Sendable {
    private enum Kind: Sendable {
        case hmac([UInt8])
        case ecdsa(String)
    }

    private let kind: Kind

    /// The fewest bytes an HS256 secret may have: as many as the hash's output (RFC 7518 §3.2).
    public static let minimumSecretLength = 32

    /// HS256 with a shared secret of at least 32 bytes.
    public static func hs256(secret: [UInt8]) throws -> SigningKey {
        guard secret.count >= minimumSecretLength else { throw SigningKeyError.secretTooShort(secret.count) }
        return SigningKey(kind: .hmac(secret))
    }

    /// ES256 with a P-256 private key in PEM.
    public static func es256(pem: String) throws -> SigningKey {
        _ = try ES256PrivateKey(pem: pem)
        return SigningKey(kind: .ecdsa(pem))
    }

    /// A random HS256 key for this run only: for development, never for a server others use.
    public static func randomForDevelopment() -> SigningKey {
        SigningKey(kind: .hmac(Array(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })))
    }

    /// The key collection that signs and verifies with this key.
    func keyCollection() async throws -> JWTKeyCollection {
        let keys = JWTKeyCollection()
        switch kind {
        case .hmac(let secret):
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        case .ecdsa(let pem):
            await keys.add(ecdsa: try ES256PrivateKey(pem: pem))
        }
        return keys
    }
}

/// Why a signing key can't be used.
public enum SigningKeyError: Error, Equatable, CustomStringConvertible {
    case secretTooShort(Int)

    public var description: String {
        switch self {
        case .secretTooShort(let count):
            "An HS256 secret needs at least \(SigningKey.minimumSecretLength) bytes; this one has \(count)."
        }
    }
}
