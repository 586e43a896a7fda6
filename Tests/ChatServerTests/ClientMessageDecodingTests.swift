import Foundation
import TestSupport
import Testing

@testable import ChatServer

@Suite("Client messages read without JSONDecoder mean what JSONDecoder reads", .onThreadsOfTheirOwn)
struct ClientMessageDecodingTests {
    @Test("Every template, and 5,000 mangled and awkward messages: the same message, or the same error")
    func sameAsJSONDecoder() {
        var random = SplitMix64(seed: 1952)
        let awkward = ServerMessageEncodingTests.awkwardStrings.map { text in
            #"{"type":"send","room":"general","text":""# + Self.escaped(text) + #"","client_id":null}"#
        }
        let handwritten = [
            #" { "type" : "leave" , "room" : "general" } "#, "{\n\t\"type\":\"directs\",\r\"since\":-0}", "{}",
            #"{"type":"send","room":"general","text":"\ud83e\udd84 \u00E9\u0041"}"#,
            #"{"type":"send","room":"general","text":"lone \ud83e"}"#, #"{"type":"send","room":"general","text":"lone \udd84"}"#,
            #"{"type":"send","room":"general","text":"\u12"}"#, #"{"type":"join","room":"general","since":-9223372036854775808}"#,
            #"{"type":"join","room":"general","since":9223372036854775807}"#, #"{"type":"join","room":"general","since":01}"#,
            #"{"type":"join","room":"general","since":1.0}"#, #"{"type":"join","room":"general","since":1e2}"#,
            #"{"type":"join","room":"general","extra":{"nested":[1,2]}}"#, #"{"type":"join","room":"general"} x"#,
        ]
        let mangled = (0..<5000).map { _ in Mangler.mangled(Mangler.templates.randomElement(using: &random)!, using: &random) }
        var readFlat = 0
        for text in Mangler.templates + awkward + handwritten + mangled {
            let flat = Result { () throws(ProtocolError) in try ClientEnvelope(decoding: text) }
            let reference = Result { () throws(ProtocolError) in try ClientEnvelope(decodingWithJSONDecoder: text) }
            #expect(flat == reference, "\(text)")
            if ClientEnvelope.readsFlat(text) { readFlat += 1 }
        }
        // The fast reader must really be the one reading: every template and awkward message, and
        // hundreds of the mangled ones (most of those are no longer JSON at all).
        #expect(Mangler.templates.allSatisfy(ClientEnvelope.readsFlat))
        #expect(awkward.allSatisfy(ClientEnvelope.readsFlat))
        #expect(readFlat > 500)
    }

    /// `text` as a JSON string's contents, escaped the way a client's encoder might.
    static func escaped(_ text: String) -> String {
        let encoded = String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
        return String(encoded.dropFirst().dropLast())
    }
}
