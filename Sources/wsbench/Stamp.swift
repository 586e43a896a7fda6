/// What every benchmark message carries: who sent it, its number, and when: `sender:sequence:nanoseconds`.
///
/// Receivers find it anywhere in a frame, so the same tool reads the chat server's JSON and a plain
/// broadcast server's text (FastAPI's docs echo it inside a sentence).
struct Stamp: Equatable {
    var sender: Int
    var sequence: Int
    var sentAt: UInt64

    var text: String { "\(sender):\(sequence):\(sentAt)" }

    /// The last `digits:digits:digits` in the bytes, if there is one.
    ///
    /// One pass by index over contiguous bytes, and no allocation: it runs once per delivery on the
    /// receive loop, where an array per frame used to cost as much as the rest of the receiving.
    static func find(in bytes: UnsafeRawBufferPointer) -> Stamp? {
        // The numbers of the `a:b:c` being read: how many are complete, and the one being read.
        var (first, second, count) = (UInt64(0), UInt64(0), 0)
        var current: UInt64 = 0
        var isInNumber = false
        var found: Stamp?
        for index in bytes.indices {
            let byte = bytes[index]
            let digit = byte &- 0x30
            if digit < 10 {
                current = isInNumber ? current &* 10 &+ UInt64(digit) : UInt64(digit)
                isInNumber = true
                continue
            }
            if byte == UInt8(ascii: ":"), isInNumber {
                // Keep the last two complete numbers: `1:2:3:4` ends as the stamp `2:3:4`.
                if count == 2 { first = second }
                if count == 0 { first = current } else { second = current }
                count = min(count + 1, 2)
            } else {
                if isInNumber, count == 2 { found = stamp(first, second, current) }
                count = 0
            }
            isInNumber = false
        }
        if isInNumber, count == 2 { found = stamp(first, second, current) }
        return found
    }

    /// The last `digits:digits:digits` in an array of bytes, if there is one.
    static func find(in bytes: [UInt8]) -> Stamp? {
        bytes.withUnsafeBytes { find(in: $0) }
    }

    private static func stamp(_ sender: UInt64, _ sequence: UInt64, _ sentAt: UInt64) -> Stamp {
        Stamp(sender: Int(truncatingIfNeeded: sender), sequence: Int(truncatingIfNeeded: sequence), sentAt: sentAt)
    }
}
