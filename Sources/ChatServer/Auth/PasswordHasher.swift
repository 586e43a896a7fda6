import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run off the cooperative thread pool: a hash takes tens to hundreds of milliseconds by design.
public struct PasswordHasher: Sendable {
    /// log2 of bcrypt's rounds: 12 by default; tests use the minimum, 4, to stay fast.
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    /// What makes a password acceptable: 10 to 72 bytes (bcrypt reads no further), and not the user name.
    public static let rule = "10 to 72 bytes, and not the user name"

    /// Whether `password` is acceptable for `user`.
    public static func isAcceptable(_ password: String, for user: String) -> Bool {
        (10...72).contains(password.utf8.count) && password.lowercased() != user.lowercased()
    }

    /// The bcrypt hash of a password, with a fresh salt.
    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`.
    public func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
