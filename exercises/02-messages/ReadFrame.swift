import LessonKit

/// Exercise 1: the first frame in `bytes`, or nil while they do not hold all of it.
///
/// RFC 6455 §5.2 lays a frame out like this:
/// 1. byte 0: FIN (the top bit: the message's last frame), three reserved bits, and the opcode (the
///    low four bits);
/// 2. byte 1: MASK (the top bit) and a 7-bit payload length;
/// 3. if that length is 126, the real length is the next 2 bytes; if 127, the next 8 (big-endian);
/// 4. if MASK is set, 4 bytes of masking key;
/// 5. the payload. A masked payload's byte `i` is XOR-ed with key byte `i % 4` (§5.3); XOR-ing again
///    unmasks it.
///
/// Whenever `bytes` ends before the frame does, at any of these steps, return nil: the rest has not
/// arrived yet. `WireFrame.size` is how many bytes the frame took, header included.
///
/// - Parameter bytes: what has arrived so far; it may hold more than one frame, or part of one.
/// - Returns: the frame, with its payload unmasked and the number of bytes it took.
public func readFrame(from bytes: [UInt8]) throws -> WireFrame? {
    // TODO: read the header, the length, the key and the payload, as above. Then delete the line below.
    throw NotDoneYet("read one frame: header, length, masking key, unmasked payload, in ReadFrame.swift")
}
