/// An opening handshake as raw HTTP/1.1, valid until a test changes it.
///
/// Header fields keep their order and the case of their names, so a test can send `upgrade: WebSocket`
/// or a field twice, which an HTTP library would tidy away.
public struct HandshakeRequest: Sendable {
    public var method = "GET"
    public var path = "/ws"
    public var fields: [(name: String, value: String)]

    /// The RFC 6455 §1.3 example key, whose accept value is `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`.
    public static let exampleKey = "dGhlIHNhbXBsZSBub25jZQ=="

    /// A valid handshake to `host`.
    public init(host: String = "127.0.0.1") {
        fields = [
            ("Host", host),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", Self.exampleKey),
            ("Sec-WebSocket-Version", "13"),
        ]
    }

    /// Replaces every field of this name (matched without regard to case) with one, or removes them
    /// all when `value` is `nil`.
    public mutating func set(_ name: String, _ value: String?) {
        let index = fields.firstIndex { $0.name.lowercased() == name.lowercased() } ?? fields.endIndex
        fields.removeAll { $0.name.lowercased() == name.lowercased() }
        if let value { fields.insert((name, value), at: min(index, fields.endIndex)) }
    }

    /// Adds a field, keeping any others of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name, value))
    }

    /// The request as bytes on the wire.
    public var text: String {
        "\(method) \(path) HTTP/1.1\r\n" + fields.map { "\($0.name): \($0.value)\r\n" }.joined() + "\r\n"
    }

    /// This request with one change.
    public func with(_ change: (inout Self) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }
}
