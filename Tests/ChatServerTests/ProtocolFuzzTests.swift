import ChatServer
import TestSupport
import Testing

@Suite("Mangled messages never break a connection", .serialized)
struct ProtocolFuzzTests {
    @Test("Each of 400 mangled messages gets exactly one answer of a documented type; the connection and its neighbour carry on")
    func mangledMessages() async throws {
        // A fixed seed: a failure names a frame that fails again on the next run.
        var random = SplitMix64(seed: 6455)
        let frames = (0..<400).map { _ in Mangler.mangled(Mangler.templates.randomElement(using: &random)!, using: &random) }
        let generous = ChatServerConfiguration.testing {
            $0.rateLimit = 1_000_000
            $0.rateBurst = 1_000_000
        }
        try await withChatServer(generous) { live in
            try await withChatClient(port: live.port, name: "neighbour") { neighbour in
                neighbour.send(#"{"type":"join","room":"quiet-corner"}"#)
                _ = try await neighbour.next("joined")
                try await withChatClient(port: live.port, name: "fuzz") { fuzz in
                    for frame in frames { fuzz.send(frame) }
                    var answered: [String: Int] = [:]
                    for frame in frames {
                        let answer = try await fuzz.next()
                        answered[answer.type, default: 0] += 1
                        #expect(ServerMessage.types.contains(answer.type), "\(frame)")
                        if answer.type == "error" {
                            #expect(ErrorCode.all.map(\.rawValue).contains(answer.code ?? ""), "\(frame)")
                        }
                    }
                    // Mangling spoils most messages but not all: both kinds of answer are exercised.
                    #expect(answered["error", default: 0] > 100 && answered.count >= 5, "\(answered)")
                    // Had any frame got two answers, or none, this would not be the next one.
                    fuzz.send(#"{"type":"join","room":"afterwards","ref":"last"}"#)
                    let last = try await fuzz.next()
                    #expect(last.type == "joined" && last.ref == "last")
                }
                neighbour.send(#"{"type":"send","room":"quiet-corner","text":"still here"}"#)
                let said = try await neighbour.next("message")
                #expect(said.text == "still here")
            }
        }
    }
}

/// Valid messages of every type, spoiled a little at a time.
enum Mangler {
    static let templates = [
        #"{"type":"join","room":"general","since":0,"ref":"r1"}"#,
        #"{"type":"leave","room":"general"}"#,
        #"{"type":"send","room":"general","text":"hello","client_id":"c1"}"#,
        #"{"type":"history","room":"general","before":10,"limit":5}"#,
        #"{"type":"direct","to":"fuzz","text":"psst","client_id":"d1"}"#,
        #"{"type":"directs","since":1}"#,
        #"{"type":"auth","token":"x.y.z"}"#,
    ]

    static let characters = Array(#"{}[]":,\ 0123456789-.eEtfnu"#) + ["é", "\u{2028}", "💬", "\u{0}"]
    static let values = [
        "null", "-1", "1e309", "9223372036854775808", "[]", "{}", "true", #""""#, #""GENERAL""#, #""a b""#,
        "\"" + String(repeating: "x", count: 5000) + "\"",
    ]

    /// The template after one to three of: a character deleted, a character inserted, a value replaced,
    /// the rest cut off, or a second `type` key put first.
    static func mangled(_ template: String, using random: inout some RandomNumberGenerator) -> String {
        var text = Array(template)
        for _ in 0..<Int.random(in: 1...3, using: &random) where !text.isEmpty {
            let index = Int.random(in: 0..<text.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0:
                text.remove(at: index)
            case 1:
                text.insert(characters.randomElement(using: &random)!, at: index)
            case 2:
                guard let colon = text[index...].firstIndex(of: ":") else { continue }
                let end = text[(colon + 1)...].firstIndex { $0 == "," || $0 == "}" } ?? text.endIndex
                text.replaceSubrange((colon + 1)..<end, with: Array(values.randomElement(using: &random)!))
            case 3:
                text.removeSubrange(index...)
            default:
                text.insert(contentsOf: #""type":"send","#, at: text.index(after: text.startIndex))
            }
        }
        return String(text)
    }
}
