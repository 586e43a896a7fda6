import LessonKit
import Testing

/// Exercise 1: frames read by hand, from the examples of RFC 6455 §5.7.
@Suite("Exercise 1: reading a frame")
struct ReadFrameTests {
    let answers = Lesson02Answers.checked
    let hello = Array("Hello".utf8)

    @Test("A single unmasked text frame: FIN, opcode 1, and the five bytes of Hello")
    func unmaskedText() throws {
        let frame = try answers.readFrame([0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(frame == WireFrame(fin: true, opcode: 0x1, isMasked: false, payload: hello, size: 7))
    }

    @Test("A masked text frame, as every client sends: the payload comes back unmasked")
    func maskedText() throws {
        let frame = try answers.readFrame([0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        #expect(frame == WireFrame(fin: true, opcode: 0x1, isMasked: true, payload: hello, size: 11))
    }

    @Test("A fragmented message: the first frame without FIN, then a continuation with it; size finds the second")
    func fragments() throws {
        let bytes: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C, 0x80, 0x02, 0x6C, 0x6F]
        let first = try #require(try answers.readFrame(bytes))
        #expect(first == WireFrame(fin: false, opcode: 0x1, isMasked: false, payload: Array("Hel".utf8), size: 5))
        let second = try answers.readFrame(Array(bytes[first.size...]))
        #expect(second == WireFrame(fin: true, opcode: 0x0, isMasked: false, payload: Array("lo".utf8), size: 4))
    }

    @Test("A ping and its masked pong are frames too, with opcodes 9 and 10")
    func pingPong() throws {
        let ping = try answers.readFrame([0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        let pong = try answers.readFrame([0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        // One expectation each, so that a failure shows the values it compared.
        #expect(ping?.opcode == 0x9)
        #expect(ping?.payload == hello)
        #expect(pong?.opcode == 0xA)
        #expect(pong?.payload == hello)
    }

    @Test("Lengths past 125 come in the next 2 bytes (126) or 8 bytes (127), big-endian")
    func extendedLengths() throws {
        let small = (0..<256).map { UInt8($0) }
        let medium = try answers.readFrame([0x82, 0x7E, 0x01, 0x00] + small)
        #expect(medium == WireFrame(fin: true, opcode: 0x2, isMasked: false, payload: small, size: 260))
        let large = [UInt8](repeating: 0x2A, count: 65536)
        let big = try answers.readFrame([0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0] + large)
        #expect(big?.payload.count == 65536)
        #expect(big?.size == 65546)
    }

    @Test("Bytes that stop short of a whole frame give nil, wherever they stop")
    func incomplete() throws {
        let masked: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        for count in 0..<masked.count {
            #expect(try answers.readFrame(Array(masked.prefix(count))) == nil, "\(count) bytes")
        }
        #expect(try answers.readFrame([0x82, 0x7E, 0x01]) == nil, "half of a 16-bit length")
        #expect(try answers.readFrame([0x82, 0x7F, 0, 0, 0, 0]) == nil, "half of a 64-bit length")
    }
}
