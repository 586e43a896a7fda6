import Histogram
import Testing

@testable import wsbench

@Suite("wsbench's stamps and counts")
struct StampTests {
    @Test("A stamp is found in the chat server's JSON and in a plain server's sentence")
    func findsStamps() {
        let stamp = Stamp(sender: 3, sequence: 41, sentAt: 123_456_789_012)
        let chat = #"{"at":"2026-11-27T16:00:00Z","from":"bench3","id":9,"room":"bench","text":"\#(stamp.text)","type":"message"}"#
        #expect(Stamp.find(in: Array(chat.utf8)) == stamp)
        #expect(Stamp.find(in: Array("Client #7 says: \(stamp.text)".utf8)) == stamp)
        #expect(Stamp.find(in: Array(#"{"type":"joined","members":["a"]}"#.utf8)) == nil)
        #expect(Stamp.find(in: Array("1:2:3:4".utf8)) == Stamp(sender: 2, sequence: 3, sentAt: 4))
    }

    @Test("Each (sender, sequence) is delivered once; a repeat counts as a duplicate")
    func countsDuplicates() {
        var tally = DeliveryTally(senders: 2, messagesPerSender: 100)
        tally.record(Stamp(sender: 0, sequence: 5, sentAt: 10), arrivedAt: 20)
        tally.record(Stamp(sender: 1, sequence: 5, sentAt: 10), arrivedAt: 30)
        tally.record(Stamp(sender: 0, sequence: 5, sentAt: 10), arrivedAt: 40)
        tally.record(Stamp(sender: 9, sequence: 5, sentAt: 10), arrivedAt: 40)
        tally.record(nil, arrivedAt: 40)
        #expect(tally.delivered == 2)
        #expect(tally.duplicates == 1)
        #expect(tally.otherFrames == 2)
        #expect(tally.latencies.maxRecorded >= 20)
    }
}
