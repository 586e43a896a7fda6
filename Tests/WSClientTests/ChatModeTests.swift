import Foundation
import Testing

@testable import wsclient

@Suite("wsclient's chat mode")
struct ChatModeTests {
    func object(_ action: ChatMode.Action) throws -> [String: Any] {
        guard case .send(let json) = action else {
            Issue.record("expected a message to send, got \(action)")
            return [:]
        }
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test("Commands become chat.v1 messages, and plain lines are said in the room joined last")
    func commands() throws {
        var mode = ChatMode()
        #expect(mode.action(for: "hello") == .tell("join a room first: /join ROOM"))
        let join = try object(mode.action(for: "/join general"))
        #expect(join["type"] as? String == "join" && join["room"] as? String == "general")
        let send = try object(mode.action(for: "hello there"))
        #expect(send["type"] as? String == "send" && send["text"] as? String == "hello there")
        #expect((send["client_id"] as? String)?.isEmpty == false)
        let direct = try object(mode.action(for: "/dm bob see you soon"))
        #expect(direct["to"] as? String == "bob" && direct["text"] as? String == "see you soon")
        let leave = try object(mode.action(for: "/leave"))
        #expect(leave["type"] as? String == "leave" && leave["room"] as? String == "general")
        #expect(mode.room == nil)
    }

    @Test("Rejoining a room asks for what was missed since the last message seen")
    func rejoinRecovers() throws {
        var mode = ChatMode()
        _ = mode.action(for: "/join general")
        _ = mode.render(#"{"type":"message","id":41,"room":"general","from":"bob","text":"hi","at":"2026-01-01T00:00:00Z"}"#)
        let rejoin = try object(mode.action(for: "/join general"))
        #expect(rejoin["since"] as? Int == 41)
    }

    @Test("Server messages are shown as a conversation")
    func rendering() {
        var mode = ChatMode()
        #expect(
            mode.render(#"{"type":"message","id":1,"room":"general","from":"bob","text":"hi","at":"2026-01-01T00:00:00Z"}"#)
                == "[general] bob: hi"
        )
        #expect(mode.render(#"{"type":"presence","room":"general","user":"bob","event":"left"}"#) == "* bob left general")
        #expect(mode.render(#"{"type":"error","code":"not_member","detail":"join general first"}"#) == "! not_member: join general first")
        #expect(mode.render("not json") == "not json")
    }

    @Test("/dms asks for direct messages since the last seen, and one seen live is not shown again")
    func directRecovery() throws {
        var mode = ChatMode()
        let first = try object(mode.action(for: "/dms"))
        #expect(first["type"] as? String == "directs" && first["since"] == nil)
        let live = #"{"type":"direct","id":7,"from":"bob","to":"alice","text":"psst","at":"2026-01-01T00:00:00Z"}"#
        #expect(mode.render(live) == "(direct) bob → alice: psst")
        let listed =
            #"{"type":"directs","messages":[{"id":7,"from":"bob","to":"alice","text":"psst","at":"2026-01-01T00:00:00Z"},"#
            + #"{"id":9,"from":"carol","to":"alice","text":"hey","at":"2026-01-01T00:00:01Z"}]}"#
        #expect(mode.render(listed) == "(direct) carol → alice: hey")
        #expect(mode.render(live) == nil)
        #expect(try object(mode.action(for: "/dms"))["since"] as? Int == 9)
    }
}

@Suite("wsclient's status lines")
struct StatusLineTests {
    @Test("A token in the URL's query is left out of what is shown, and the rest of the URL kept")
    func tokenLeftOut() {
        #expect(WSClientCommand.withoutToken("ws://h/ws?access_token=ey.J.x") == "ws://h/ws?access_token=…")
        #expect(WSClientCommand.withoutToken("ws://h/ws?a=1&access_token=ey.J.x&b=2#f") == "ws://h/ws?a=1&access_token=…&b=2#f")
        #expect(WSClientCommand.withoutToken("ws://h/ws?name=alice") == "ws://h/ws?name=alice")
    }
}
