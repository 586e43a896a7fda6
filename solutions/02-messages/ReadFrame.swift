import LessonKit

/// Exercise 1, the reference: the first frame in `bytes`, or nil while they do not hold all of it.
///
/// RFC 6455 §5.2: two bytes of header (FIN and the opcode; MASK and a 7-bit length), then 2 or 8
/// more bytes of length when the 7 bits say 126 or 127, then 4 bytes of masking key if MASK is set,
/// then the payload, each byte XOR-ed with key byte `index % 4` (§5.3).
///
/// - Parameter bytes: what has arrived so far; it may hold more than one frame, or part of one.
/// - Returns: the frame, with its payload unmasked and the number of bytes it took.
public func readFrame(from bytes: [UInt8]) throws -> WireFrame? {
    guard bytes.count >= 2 else { return nil }
    let fin = bytes[0] & 0x80 != 0
    let opcode = bytes[0] & 0x0F
    let isMasked = bytes[1] & 0x80 != 0
    var offset = 2

    // The length: 7 bits, or a 16-bit or 64-bit big-endian number after them.
    var length = Int(bytes[1] & 0x7F)
    let extra = length == 126 ? 2 : length == 127 ? 8 : 0
    if extra > 0 {
        guard bytes.count >= offset + extra else { return nil }
        length = bytes[offset..<offset + extra].reduce(0) { $0 << 8 | Int($1) }
        offset += extra
    }

    var key: [UInt8] = []
    if isMasked {
        guard bytes.count >= offset + 4 else { return nil }
        key = Array(bytes[offset..<offset + 4])
        offset += 4
    }

    guard bytes.count >= offset + length else { return nil }
    var payload = Array(bytes[offset..<offset + length])
    if isMasked {
        for index in payload.indices { payload[index] ^= key[index % 4] }
    }
    return WireFrame(fin: fin, opcode: opcode, isMasked: isMasked, payload: payload, size: offset + length)
}
