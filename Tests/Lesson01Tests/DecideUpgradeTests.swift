import TestSupport
import Testing

/// Exercise 2: the handshake decision, without a network.
@Suite("Exercise 2: the upgrade decision")
struct DecideUpgradeTests {
    let answers = Lesson01Answers.checked

    @Test("Valid handshakes are accepted with the right 101 fields", arguments: HandshakeCase.accepted)
    func accepts(_ handshake: HandshakeCase) throws {
        handshake.check(try answers.decideUpgrade(handshake.request.httpRequest, HandshakeCase.policy))
    }

    @Test("Bad handshakes are refused with the right status", arguments: HandshakeCase.refused)
    func refuses(_ handshake: HandshakeCase) throws {
        handshake.check(try answers.decideUpgrade(handshake.request.httpRequest, HandshakeCase.policy))
    }
}
