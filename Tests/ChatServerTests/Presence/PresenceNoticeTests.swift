import Testing

@testable import ChatServer

@Suite("Presence notices: the lines processes tell each other")
struct PresenceNoticeTests {
    @Test("Each notice reads back as written; lines of another version are passed over")
    func roundTrip() {
        let notices: [PresenceNotice] = [
            .began(Presence(room: "general", user: "alice"), process: "p1"),
            .ended(Presence(room: "general", user: "alice"), process: "p1"),
            .processGone("p2"),
        ]
        let payloads = PresenceNotice.payloads(notices)
        #expect(payloads == ["+ p1 general alice\n- p1 general alice\nx p2"])
        #expect(PresenceNotice.notices(in: "? p1 something new\n" + payloads[0][...]) == notices)
    }

    @Test("However many notices there are, each payload stays under PostgreSQL's 8,000 bytes with the topic in front")
    func payloadsStayUnderTheLimit() throws {
        let process = "0fa1d3c2-7b5e-4c4f-9d8a-2b6f3e1c9a70"
        let room = String(repeating: "r", count: 64)
        let notices = (0..<500).map { index in
            PresenceNotice.began(
                Presence(room: room, user: "user-\(index)" + String(repeating: "u", count: 32 - "user-\(index)".count)),
                process: process
            )
        }
        #expect(notices.map(\.line.utf8.count).max() == 136, "the longest line: the longest room and user names")
        let payloads = PresenceNotice.payloads(notices)
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { (PostgresPresence.topic + " " + $0).utf8.count < 8_000 })
        #expect(payloads.flatMap { PresenceNotice.notices(in: $0[...]) } == notices)
    }
}
