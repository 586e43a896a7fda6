import Hummingbird
import HummingbirdWebSocket
import LessonKit
import Logging
import NIOWebSocket

/// Exercise 3: lesson 4's `room.v1` on `/ws?name=NAME`, where every error is answered and only the
/// connection at fault pays.
///
/// The contract (lesson 4, "Containing a failure"):
/// - without a name, close with 1008; with one, join a ``Room`` and leave it however the handler ends;
/// - read with `for try await` over the inbound messages, so that a client's close or a dropped
///   connection ends the loop without a special case;
/// - each message first passes a ``TokenBucket`` of `rateLimit` (a refusal is a `rate_limited` event
///   with the retry time; the last strike closes with 1008);
/// - then it is read with ``RoomMessage/init(decoding:)`` (a binary message throws
///   ``MessageError/binary``): `say` is broadcast to the room as ``RoomEvent/said(from:text:)``, and
///   `boom` throws ``SimulatedBug``, standing for any bug;
/// - whatever that throws is answered as `answer(to:makeRef:)` says: an event and carry on, a close,
///   or for a server error a line in `logger` with the reference and the error, and a close with 1011
///   whose reason carries the reference and nothing else of the error.
///
/// - Parameters:
///   - rateLimit: how fast each connection may send.
///   - logger: where server errors are logged, each with its reference.
///   - configuration: where the application listens.
/// - Returns: the application, not yet running.
public func buildContainedServer(
    rateLimit: RateLimit,
    logger: Logger,
    configuration: ApplicationConfiguration
) throws -> any ApplicationProtocol {
    // TODO: the route, its message loop and its answers, and the Application. Then delete the line below.
    throw NotDoneYet("build the server whose errors stay with the connection at fault, in ContainedServer.swift")
}
