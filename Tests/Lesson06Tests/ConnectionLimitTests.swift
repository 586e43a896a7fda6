import ChatServer
import HTTPTypes
import LessonKit
import TestSupport
import Testing

/// Exercise 1: the connection limit, called directly and in front of a live server.
@Suite("Exercise 1: a connection limit", .serialized)
struct ConnectionLimitTests {
    let answers = Lesson06Answers.checked

    @Test("Handshakes are accepted below the limit and refused at it with 503, Retry-After and a reason")
    func refusesAtTheLimit() throws {
        let limit = answers.makeLimit(2)
        #expect(try limit.decide().isAccept)
        try limit.opened()
        try limit.opened()
        #expect(try limit.openCount() == 2)
        guard case .refuse(let refusal) = try limit.decide() else {
            Issue.record("two of two connections are open: the next handshake must be refused")
            return
        }
        #expect(refusal.status == .serviceUnavailable, "503: the server is fine, just full for now")
        #expect(Int(refusal.headers[.retryAfter] ?? "") ?? 0 > 0, "Retry-After says in how many seconds to try again")
        #expect(!refusal.reason.isEmpty)
        try limit.closed()
        #expect(try limit.decide().isAccept, "one closed: there is room again")
    }

    @Test("A thousand connections opening and closing from many tasks at once leave the count at zero")
    func countsUnderConcurrency() async throws {
        let limit = answers.makeLimit(10)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<1000 {
                group.addTask {
                    try limit.opened()
                    try limit.closed()
                }
            }
            try await group.waitForAll()
        }
        #expect(try limit.openCount() == 0)
    }

    @Test("A live server serves the first connections and refuses the rest before the upgrade")
    func liveServerRefusesPastTheLimit() async throws {
        let limit = answers.makeLimit(5)
        _ = try limit.openCount()
        let handshake = HandshakeRequest().with { $0.path = "/fast" }
        try await withLiveServer(answers.server(limit: limit)) { port in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<5 {
                    group.addTask { try await RawHTTP.openThenVanish(handshake.text, port: port, sending: [], for: .seconds(30)) }
                }
                #expect(try await eventually(timeout: .seconds(10)) { try limit.openCount() == 5 }, "five connections are served")
                for _ in 0..<3 {
                    let refused = try await RawHTTP.exchange(handshake.text, port: port)
                    #expect(refused.status == 503, "\(refused)")
                    #expect(refused.value("Retry-After") != nil, "\(refused)")
                }
                let naive = try await RawHTTP.exchange(handshake.with { $0.path = "/naive" }.text, port: port)
                #expect(naive.status == 101, "/naive has no limit")
                #expect(try limit.openCount() == 5, "refused handshakes never became connections")
                group.cancelAll()
            }
            // The five went away: there is room again.
            #expect(try await eventually(timeout: .seconds(10)) { try limit.openCount() == 0 })
            let accepted = try await RawHTTP.exchange(handshake.text, port: port)
            #expect(accepted.status == 101)
        }
    }
}

extension UpgradeDecision {
    /// Whether this is an acceptance, with whatever header fields.
    var isAccept: Bool {
        if case .accept = self { true } else { false }
    }
}
