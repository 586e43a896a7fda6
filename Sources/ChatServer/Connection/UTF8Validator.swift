/// Checks UTF-8 a piece at a time, as a message's fragments arrive, so that text which cannot become
/// valid is refused at the first bad byte rather than after the whole message (RFC 6455 §8.1 asks an
/// endpoint to fail the connection as soon as it finds invalid UTF-8).
///
/// The ranges are those of the Unicode Standard's table 3-7 (well-formed UTF-8 byte sequences): no
/// overlong forms, no surrogates, nothing past U+10FFFF.
struct UTF8Validator: Sendable, Equatable {
    /// Continuation bytes still expected for the current character.
    private var needed = 0
    /// The range the next continuation byte must fall in.
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// Whether the bytes so far end on a whole character.
    var isComplete: Bool { needed == 0 }

    /// Takes more bytes.
    ///
    /// - Returns: false once the bytes so far can never be valid UTF-8, whatever follows.
    mutating func consume(_ bytes: some Sequence<UInt8>) -> Bool {
        for byte in bytes {
            guard consume(byte) else { return false }
        }
        return true
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard needed == 0 else {
            guard (lower...upper).contains(byte) else { return false }
            needed -= 1
            (lower, upper) = (0x80, 0xBF)
            return true
        }
        switch byte {
        case 0x00...0x7F: return true
        case 0xC2...0xDF: needed = 1
        case 0xE0: (needed, lower) = (2, 0xA0)
        case 0xE1...0xEC, 0xEE...0xEF: needed = 2
        case 0xED: (needed, upper) = (2, 0x9F)
        case 0xF0: (needed, lower) = (3, 0x90)
        case 0xF1...0xF3: needed = 3
        case 0xF4: (needed, upper) = (3, 0x8F)
        default: return false
        }
        return true
    }
}
