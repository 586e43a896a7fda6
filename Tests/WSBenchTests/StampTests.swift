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
    }

    @Test("Each (sender, sequence) is delivered once; a repeat counts as a duplicate")
    func countsDuplicates() {
        let stats = ReceiverStats(senders: 2, messagesPerSender: 100)
        stats.record(Stamp(sender: 0, sequence: 5, sentAt: 10), arrivedAt: 20)
        stats.record(Stamp(sender: 1, sequence: 5, sentAt: 10), arrivedAt: 30)
        stats.record(Stamp(sender: 0, sequence: 5, sentAt: 10), arrivedAt: 40)
        stats.record(Stamp(sender: 9, sequence: 5, sentAt: 10), arrivedAt: 40)
        #expect(stats.delivered == 2)
        #expect(stats.duplicates == 1)
        #expect(stats.otherFrames == 1)
        #expect(stats.latencies.maxRecorded >= 20)
    }
}
