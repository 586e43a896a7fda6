import ChatServer
import Testing

@Suite("The client's address behind reverse proxies")
struct ClientAddressTests {
    let address = ClientAddress(trustedProxies: ["10.0.0.1", "10.0.0.2"])

    @Test("From an untrusted peer, X-Forwarded-For is ignored")
    func untrustedPeer() {
        #expect(address.resolve(peer: "198.51.100.7", forwardedFor: ["203.0.113.5"]) == "198.51.100.7")
    }

    @Test("From a trusted proxy, the rightmost address that is not a trusted proxy is the client")
    func trustedChain() {
        #expect(address.resolve(peer: "10.0.0.1", forwardedFor: ["203.0.113.5"]) == "203.0.113.5")
        #expect(address.resolve(peer: "10.0.0.1", forwardedFor: ["forged, 203.0.113.5, 10.0.0.2"]) == "203.0.113.5")
        #expect(address.resolve(peer: "10.0.0.1", forwardedFor: ["forged", "203.0.113.5"]) == "203.0.113.5", "fields join as one list")
    }

    @Test("A trusted proxy with no X-Forwarded-For, or only proxies in it, is itself the client")
    func onlyProxies() {
        #expect(address.resolve(peer: "10.0.0.1", forwardedFor: []) == "10.0.0.1")
        #expect(address.resolve(peer: "10.0.0.1", forwardedFor: ["10.0.0.2"]) == "10.0.0.2")
        #expect(address.resolve(peer: nil, forwardedFor: ["203.0.113.5"]) == "unknown")
    }
}
