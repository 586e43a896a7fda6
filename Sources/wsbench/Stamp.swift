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
    /// One pass and no allocation: it runs once per delivery on the receive loop, where an array per
    /// frame used to cost as much as the rest of the receiving.
    static func find(in bytes: some Collection<UInt8>) -> Stamp? {
        // The last two complete numbers before the one being read, and how many of them there are.
        var (first, second, count) = (UInt64(0), UInt64(0), 0)
        var current: UInt64 = 0
        var isInNumber = false
        var found: Stamp?
        for byte in bytes {
            if byte &- 0x30 < 10 {
                current = (isInNumber ? current : 0) &* 10 &+ UInt64(byte &- 0x30)
                isInNumber = true
            } else if byte == UInt8(ascii: ":"), isInNumber {
                (first, second) = count == 0 ? (current, 0) : (count == 1 ? (first, current) : (second, current))
                count = min(count + 1, 2)
                isInNumber = false
            } else {
                if isInNumber, count == 2 {
                    found = Stamp(sender: Int(truncatingIfNeeded: first), sequence: Int(truncatingIfNeeded: second), sentAt: current)
                }
                (count, isInNumber) = (0, false)
            }
        }
        if isInNumber, count == 2 {
            found = Stamp(sender: Int(truncatingIfNeeded: first), sequence: Int(truncatingIfNeeded: second), sentAt: current)
        }
        return found
    }
}
