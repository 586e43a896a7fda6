import ChatServer
import HTTPTypes
import TestSupport
import Testing

@Suite("The final server's handshake policy")
struct HandshakePolicyTests {
    @Test("Decides every shared handshake case as RFC 6455 says", arguments: HandshakeCase.all)
    func decides(_ handshake: HandshakeCase) {
        handshake.check(HandshakeCase.policy.decide(handshake.request.httpRequest))
    }

    @Test("* allows any origin")
    func wildcardOrigin() {
        let request = HandshakeRequest().with { $0.add("Origin", "https://anywhere.example") }.httpRequest
        guard case .accept = HandshakePolicy(allowedOrigins: ["*"]).decide(request) else {
            Issue.record("a wildcard policy refused an origin")
            return
        }
    }

    @Test("The accept value matches RFC 6455's example")
    func acceptValue() {
        #expect(WebSocketAccept.value(forKey: HandshakeRequest.exampleKey) == HandshakeRequest.exampleAccept)
    }
}
