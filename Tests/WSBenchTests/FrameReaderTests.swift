import Foundation
import Histogram
import Testing

@testable import wsbench

@Suite("wsbench's receive path: frames in reads, and the answers a client owes")
struct FrameReaderTests {
    /// An unmasked server text frame.
    private func serverFrame(_ text: String, opcode: UInt8 = 0x1, isFinal: Bool = true) -> [UInt8] {
        let payload = Array(text.utf8)
        precondition(payload.count < 126)
        return [(isFinal ? 0x80 : 0) | opcode, UInt8(payload.count)] + payload
    }

    /// A connected pair of sockets: the reader answers on the first, the test reads the second.
    private func socketPair() -> (RawSocket, Int32) {
        var fds: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        return (RawSocket(fd: fds[0]), fds[1])
    }

    private func consume(_ bytes: [UInt8], into reader: inout FrameReader, on socket: RawSocket) -> Int {
        bytes.withUnsafeBytes { reader.consume($0, arrivedAt: 1_000, answeringOn: socket) }
    }

    @Test("Frames split across reads, and a message in fragments, are each delivered once, whole")
    func reassemblesFrames() {
        let (socket, peer) = socketPair()
        defer {
            socket.close()
            close(peer)
        }
        var reader = FrameReader(tally: DeliveryTally(senders: 1, messagesPerSender: 10), pending: [])
        let bytes = serverFrame("0:0:500") + serverFrame("0:1:", isFinal: false) + serverFrame("600", opcode: 0x0) + serverFrame("0:2:700")
        #expect(consume(Array(bytes[..<5]), into: &reader, on: socket) == 0)
        // The rest of the first frame, and both fragments of the second message.
        #expect(consume(Array(bytes[5..<20]), into: &reader, on: socket) == 2)
        #expect(consume(Array(bytes[20...]), into: &reader, on: socket) == 1)
        #expect(reader.tally?.delivered == 3)
        #expect(reader.tally?.otherFrames == 0)
        #expect(reader.tally?.latencies.maxRecorded ?? 0 >= 500)
    }

    @Test("A ping is answered with a masked pong carrying its payload")
    func answersPings() throws {
        let (socket, peer) = socketPair()
        defer {
            socket.close()
            close(peer)
        }
        var reader = FrameReader(tally: nil, pending: [])
        #expect(consume(serverFrame("hi", opcode: 0x9), into: &reader, on: socket) == 0)
        var answer = [UInt8](repeating: 0, count: 16)
        let count = recv(peer, &answer, answer.count, 0)
        try #require(count == 8)
        #expect(answer[0] == 0x8A)
        #expect(answer[1] == 0x82)
        #expect([answer[6] ^ answer[2], answer[7] ^ answer[3]] == Array("hi".utf8))
    }
}
