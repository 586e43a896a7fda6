import Foundation

/// Who a request comes from, when the server may sit behind reverse proxies.
///
/// A TLS-terminating proxy (nginx, a load balancer) connects to the server itself, so every request's
/// TCP peer is the proxy, and sign-in limits counted by address would count everyone together. The
/// proxy names the real client in `X-Forwarded-For`, appending the peer it saw to the list it got. That
/// list is only as trustworthy as whoever wrote it: a client can send any `X-Forwarded-For` it likes.
/// So the header is read only when the TCP peer is a trusted proxy, from the right, and the first
/// address that is not a trusted proxy is the client (the rightmost an untrusted party could not forge).
public struct ClientAddress: Sendable {
    /// The proxies whose `X-Forwarded-For` is believed, by exact IP address.
    public let trustedProxies: Set<String>

    public init(trustedProxies: some Sequence<String>) {
        self.trustedProxies = Set(trustedProxies)
    }

    /// The client's address.
    ///
    /// - Parameters:
    ///   - peer: the TCP peer's IP address, if known.
    ///   - forwardedFor: every `X-Forwarded-For` field value, in the order received.
    public func resolve(peer: String?, forwardedFor: [String]) -> String {
        guard let peer else { return "unknown" }
        guard trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // Every hop trusted (a proxy talking to the server for itself): the leftmost is the origin.
        return hops.last { !trustedProxies.contains($0) } ?? hops.first ?? peer
    }
}
