/// The session of the conformance echo: every message comes back as it came.
///
/// It has no chat in it, so that a conformance suite (Autobahn|Testsuite) tests exactly the
/// connection handler the chat server's connections run on.
final class EchoSession: ConnectionSession {
    func opened(_ connection: ConnectionControl) {}

    func received(_ message: WebSocketProtocol.Message) -> [ConnectionSessionAction] {
        [.send(message)]
    }

    func closed() {}
}
