import Foundation
import NIOWebSocket
import Testing

@testable import ChatServer

/// The chat session alone, event by event: no socket, no store, no hub, no clock.
@Suite("The chat session as a value: events in, actions out")
struct ChatSessionTests {
    let start = ContinuousClock.now
    /// A limiter that never refuses, for the tests that are not about the rate.
    static let generous = RateLimiter(rate: 1_000_000, burst: 1_000_000, strikes: 3)

    func session(scopes: Set<String> = ChatScope.all, expiresAt: Date? = nil, limiter: RateLimiter = generous) -> ChatSession {
        ChatSession(identity: Identity(user: "alice", scopes: scopes, expiresAt: expiresAt), usesTokens: true, limiter: limiter)
    }

    func message(_ id: Int64, _ text: String = "hi", room: String? = "general") -> ChatMessage {
        ChatMessage(id: id, room: room, to: nil, from: "alice", text: text, at: Date(timeIntervalSince1970: 0), clientID: nil)
    }

    func draft(_ text: String) -> MessageStore.Draft {
        MessageStore.Draft(room: "general", from: "alice", text: text, clientID: nil)
    }

    /// A session that has joined `general`.
    func joined(_ session: ChatSession = ChatSession(identity: Identity(user: "alice", scopes: ChatScope.all), usesTokens: true, limiter: generous))
        -> ChatSession
    {
        var session = session
        _ = session.handle(.received(#"{"type":"join","room":"general"}"#, at: start))
        _ = session.handle(.joined(room: "general"))
        return session
    }

    func send(_ text: String, ref: String? = nil) -> ChatSession.Event {
        let ref = ref.map { #","ref":"\#($0)""# } ?? ""
        return .received(#"{"type":"send","room":"general","text":"\#(text)"\#(ref)}"#, at: start)
    }

    @Test("A join is one read that joins inside it; nothing after it starts until it is back")
    func joinWaits() {
        var session = session()
        #expect(
            session.handle(.received(#"{"type":"join","room":"general","ref":"j"}"#, at: start)) == [
                .join(room: "general", since: nil, limit: Limits.defaultHistory, ref: "j")
            ]
        )
        #expect(session.handle(send("early")) == [], "the send waits for the join")
        #expect(session.handle(.joined(room: "general")) == [.commit(draft("early"), ref: nil)])
    }

    @Test("Sending before joining is refused with not_member, and the connection stays usable")
    func sendBeforeJoin() {
        var session = session()
        #expect(session.handle(send("hi", ref: "1")) == [.reply(.error(ProtocolError(.notMember, "join general first", ref: "1")))])
        #expect(session.handle(.received(#"{"type":"join","room":"general"}"#, at: start)).count == 1)
    }

    @Test("Sends overlap up to the limit; the next one starts when a commit comes back")
    func sendsOverlap() {
        var session = joined()
        for index in 0..<ChatSession.sendLimit {
            #expect(session.handle(send("\(index)")) == [.commit(draft("\(index)"), ref: nil)])
        }
        #expect(session.handle(send("one too many")) == [], "it waits for a place")
        #expect(session.handle(.committed(message(1), isNew: true, ref: nil)) == [.commit(draft("one too many"), ref: nil)])
    }

    @Test("Anything but a send waits for the sends before it, so answers keep the order of requests")
    func answersKeepTheirOrder() {
        var session = joined()
        _ = session.handle(send("a"))
        _ = session.handle(send("b"))
        #expect(session.handle(.received(#"{"type":"history","room":"general","ref":"h"}"#, at: start)) == [])
        #expect(session.handle(.received("not json", at: start)) == [], "a refusal waits its turn too")
        #expect(session.handle(.committed(message(1), isNew: true, ref: nil)) == [])
        #expect(session.handle(.committed(message(2), isNew: true, ref: nil)) == [.loadHistory(room: "general", before: nil, limit: 50, ref: "h")])
        #expect(
            session.handle(.historyLoaded(room: "general", messages: [message(1)], ref: "h")) == [
                .reply(.history(room: "general", messages: [message(1)], ref: "h")),
                .reply(.error(ProtocolError(.invalidJSON, "a message is one JSON object"))),
            ]
        )
    }

    @Test("A resend is answered with the message stored the first time; a new message is not answered again")
    func resend() {
        var session = joined()
        _ = session.handle(send("hi", ref: "r"))
        #expect(session.handle(.committed(message(7), isNew: false, ref: "r")) == [.reply(.message(message(7), ref: "r"))])
        _ = session.handle(send("hi again"))
        #expect(session.handle(.committed(message(8), isNew: true, ref: nil)) == [])
    }

    @Test("Leaving a room tells the hub and answers left; leaving it again is refused")
    func leave() {
        var session = joined()
        #expect(
            session.handle(.received(#"{"type":"leave","room":"general","ref":"l"}"#, at: start)) == [
                .leave(room: "general"), .reply(.left(room: "general", ref: "l")),
            ]
        )
        #expect(
            session.handle(.received(#"{"type":"leave","room":"general"}"#, at: start)) == [
                .reply(.error(ProtocolError(.notMember, "join general first")))
            ]
        )
    }

    @Test("Past the rate, messages are refused with rate_limited; after the strikes, the connection closes with 1008")
    func rateLimit() {
        var session = joined(session(limiter: RateLimiter(rate: 1, burst: 2, strikes: 2)))
        // The join took one token.
        #expect(session.handle(send("a")) == [.commit(draft("a"), ref: nil)])
        #expect(session.handle(send("b")) == [], "refused, and the refusal waits for the send before it")
        #expect(
            session.handle(.committed(message(1), isNew: true, ref: nil)) == [
                .reply(.error(ProtocolError(.rateLimited, "more than 1 messages a second; wait, then resend")))
            ]
        )
        #expect(session.handle(send("c")) == [.close(.policyViolation, reason: "rate limit exceeded")])
        #expect(session.handle(send("d")) == [], "nothing after the close")
    }

    @Test("A binary message closes with 1003 once the sends before it are committed")
    func binary() {
        var session = joined()
        _ = session.handle(send("a"))
        #expect(session.handle(.receivedBinary(at: start)) == [])
        #expect(
            session.handle(.committed(message(1), isNew: true, ref: nil)) == [.close(.unacceptableData, reason: "binary messages are not accepted")]
        )
    }

    @Test("Scopes are checked when a message's turn comes: an auth before a send can grant what the send needs")
    func scopesAtTheirTurn() {
        var session = joined(session(scopes: [ChatScope.read]))
        #expect(session.handle(send("no", ref: "1")) == [.reply(.error(ProtocolError(.forbidden, "this needs the scope chat:write", ref: "1")))])
        #expect(session.handle(.received(#"{"type":"auth","token":"t","ref":"a"}"#, at: start)) == [.verify(token: "t", ref: "a")])
        #expect(session.handle(send("yes")) == [], "it waits for the token check")
        let renewed = Identity(user: "alice", scopes: ChatScope.all, expiresAt: Date(timeIntervalSince1970: 100))
        #expect(
            session.handle(.verified(.success(renewed), ref: "a")) == [
                .reply(.authenticated(user: "alice", expiresAt: renewed.expiresAt, ref: "a")),
                .watchExpiry(at: renewed.expiresAt),
                .commit(draft("yes"), ref: nil),
            ]
        )
    }

    @Test("A token for another user, or one that does not verify, leaves the grant as it was")
    func authRefused() {
        var session = session(expiresAt: Date(timeIntervalSince1970: 50))
        _ = session.handle(.received(#"{"type":"auth","token":"t"}"#, at: start))
        #expect(
            session.handle(.verified(.success(Identity(user: "mallory", scopes: ChatScope.all)), ref: nil)) == [
                .reply(.error(ProtocolError(.invalidToken, "the token is for another user")))
            ]
        )
        _ = session.handle(.received(#"{"type":"auth","token":"t"}"#, at: start))
        #expect(
            session.handle(.verified(.failure(InvalidToken(reason: "expired")), ref: nil)) == [
                .reply(.error(ProtocolError(.invalidToken, "expired")))
            ]
        )
        #expect(session.expiresAt == Date(timeIntervalSince1970: 50))
    }

    @Test("The expiry timer closes with 1008 once the grant has run out, and waits again if it was renewed")
    func expiry() {
        let expiresAt = Date(timeIntervalSince1970: 100)
        var session = session(expiresAt: expiresAt)
        #expect(session.start() == [.watchExpiry(at: expiresAt)])
        #expect(session.handle(.expiryTimerFired(now: Date(timeIntervalSince1970: 99))) == [.watchExpiry(at: expiresAt)])
        #expect(session.handle(.expiryTimerFired(now: Date(timeIntervalSince1970: 100))) == [.close(.policyViolation, reason: "token expired")])
    }

    @Test("A store failure closes with 1011 at once, and nothing more is started")
    func storeFailure() {
        var session = joined()
        _ = session.handle(send("a"))
        _ = session.handle(.received(#"{"type":"history","room":"general"}"#, at: start))
        #expect(session.handle(.failed("disk full")) == [.failServer("disk full")])
        #expect(session.handle(.committed(message(1), isNew: true, ref: nil)) == [], "the history request never starts")
    }

    @Test("When the client's input ends, what it sent is answered first, then the session closes with 1000")
    func inputEnded() {
        var session = joined()
        _ = session.handle(send("last"))
        #expect(session.handle(.inputEnded) == [], "the send before it is still committing")
        #expect(session.handle(.committed(message(1), isNew: true, ref: nil)) == [.close(.normalClosure, reason: "")])
        var idle = joined()
        #expect(idle.handle(.inputEnded) == [.close(.normalClosure, reason: "")])
    }

    @Test("A backlog past its bound stops the reading, and reading resumes as it drains")
    func backpressure() {
        var session = joined()
        _ = session.handle(.received(#"{"type":"history","room":"general"}"#, at: start))
        for _ in 0..<ChatSession.backlogLimit - 1 {
            _ = session.handle(send("waiting"))
            #expect(session.isReadyForMore)
        }
        _ = session.handle(send("waiting"))
        #expect(!session.isReadyForMore)
        _ = session.handle(.historyLoaded(room: "general", messages: [], ref: nil))
        #expect(session.isReadyForMore)
    }
}
