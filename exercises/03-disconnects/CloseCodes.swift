import LessonKit

/// Exercise 1: whether a Close frame may carry `code` on the wire.
///
/// RFC 6455 §7.4 numbers the reasons a connection closes. Those an endpoint may send:
/// - 1000 to 1003, and 1007 to 1011, which §7.4.1 defines;
/// - 1012 to 1014, added since to the IANA registry that §11.7 set up;
/// - 3000 to 4999: 3000–3999 registered for libraries, frameworks and applications, 4000–4999 for
///   private use (§7.4.2).
/// Everything else may not be sent: 1004 is reserved; 1005 (no code was sent), 1006 (the connection
/// dropped without a close) and 1015 (TLS failed) only ever describe a close locally; the rest of
/// 0–2999 is unused or kept for the protocol's future.
///
/// - Parameter code: the code a Close frame carries.
/// - Returns: whether an endpoint may send it, and so accept it from the other side.
public func mayBeSent(closeCode code: UInt16) throws -> Bool {
    // TODO: return true for the ranges above, false otherwise. Then delete the line below.
    throw NotDoneYet("say which close codes may go on the wire, in CloseCodes.swift")
}
