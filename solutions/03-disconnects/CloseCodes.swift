/// Exercise 1, the reference: whether a Close frame may carry `code` on the wire.
///
/// RFC 6455 §7.4.1 defines 1000–1003 and 1007–1011, and the IANA registry it set up holds 1012–1014
/// too; 3000–3999 are registered for libraries, frameworks and applications, and 4000–4999 are for
/// private use (§7.4.2). 1004 is reserved, and 1005, 1006 and 1015 only ever describe a close
/// locally: they are never sent. The rest of 0–2999 is unused or kept for the protocol's future.
///
/// - Parameter code: the code a Close frame carries.
/// - Returns: whether an endpoint may send it, and so accept it from the other side.
public func mayBeSent(closeCode code: UInt16) throws -> Bool {
    switch code {
    case 1000...1003, 1007...1014, 3000...4999: true
    default: false
    }
}
