import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import LessonKit

import NIOWebSocket
import Testing

/// Exercise 4, your first test: a malformed message is answered with an `invalid_json` error event,
/// and the connection carries on.
///
/// Start `app` with `app.test(.live) { client in … }` and talk to it with
/// `client.ws("/ws?name=…") { inbound, outbound, _ in … }` (lesson 4, "Testing your endpoint"). Use
/// `#expect` and `#require`: `course check 4` runs this test against the lesson's server, where it
/// must pass, and against broken servers, where it should fail.
///
/// - Parameter app: the server under test, not yet running.
public func malformedMessageKeepsTheConnection(_ app: some ApplicationProtocol) async throws {
    // TODO: send something that is not JSON, check the answer, then check that the connection still
    // works. Then delete the line below.
    throw NotDoneYet("test that a malformed message gets invalid_json and the connection stays, in YourTests/ServerTests.swift")
}

/// Exercise 4, your second test: a bug in one connection's handler (`{"type":"boom"}`) closes that
/// connection with 1011 and a reference, and a neighbour on the same server keeps chatting.
///
/// - Parameter app: the server under test, not yet running.
public func handlerBugClosesOnlyItsConnection(_ app: some ApplicationProtocol) async throws {
    // TODO: two clients on one server; one hits the bug; check its close, then check that the other
    // still chats. Then delete the line below.
    throw NotDoneYet("test that a handler bug closes only its own connection, in YourTests/ServerTests.swift")
}
