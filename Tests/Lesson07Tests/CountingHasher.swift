import ChatServer
import LessonKit
import NIOConcurrencyHelpers

/// bcrypt at its lowest cost, recording every hash it is asked to verify against: how a check sees
/// that an unknown user costs a verification too, without timing anything.
final class CountingHasher: PasswordHashing {
    private let bcrypt = PasswordHasher(cost: 4)
    private let verified = NIOLockedValueBox<[String]>([])

    /// The hashes verified against so far, in order.
    var hashesVerified: [String] { verified.withLockedValue { $0 } }

    func hash(_ password: String) async throws -> String {
        try await bcrypt.hash(password)
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        verified.withLockedValue { $0.append(hash) }
        return try await bcrypt.verify(password, against: hash)
    }
}

/// The cost of a bcrypt hash (`$2b$04$…` costs 4), or `nil` for what is not a bcrypt hash.
func bcryptCost(of hash: String) -> Int? {
    let fields = hash.split(separator: "$")
    guard hash.count == 60, fields.count == 3, fields[0].hasPrefix("2") else { return nil }
    return Int(fields[1])
}
