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
    static func find(in bytes: some Collection<UInt8>) -> Stamp? {
        var numbers: [UInt64] = []
        var current: UInt64?
        var found: Stamp?
        for byte in bytes {
            if byte >= 0x30 && byte <= 0x39 {
                current = (current ?? 0) &* 10 &+ UInt64(byte - 0x30)
            } else if byte == UInt8(ascii: ":"), let value = current {
                numbers.append(value)
                current = nil
            } else {
                if let value = current, numbers.count == 2 {
                    found = Stamp(sender: Int(numbers[0]), sequence: Int(numbers[1]), sentAt: value)
                }
                numbers = []
                current = nil
            }
            if numbers.count > 2 { numbers.removeFirst(numbers.count - 2) }
        }
        if let value = current, numbers.count == 2 {
            found = Stamp(sender: Int(numbers[0]), sequence: Int(numbers[1]), sentAt: value)
        }
        return found
    }
}
