/// Reads the one shape of JSON a well-behaved client sends: a flat object whose values are strings,
/// integers or `null`.
///
/// Foundation's `JSONDecoder` spent about a tenth of the server's CPU reading client messages under
/// load, most of it building a tree for a handful of fields. This reader takes the common case in
/// one pass over the bytes; anything it does not recognise (a nested value, `true`, a fraction or an
/// exponent, a repeated key, malformed JSON, half a surrogate pair) makes it give up, and the
/// caller decodes with `JSONDecoder`, so every error a client can cause is still reported exactly as
/// before.
struct FlatJSONObject {
    enum Value: Equatable {
        case string(String)
        case integer(Int64)
        case null
    }

    private(set) var fields: [(key: String, value: Value)] = []

    /// The object in `bytes`, or `nil` if it is not a flat object this reader takes.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        guard reader.take(UInt8(ascii: "{")) else { return nil }
        reader.skipWhitespace()
        if !reader.take(UInt8(ascii: "}")) {
            repeat {
                reader.skipWhitespace()
                guard let key = reader.string() else { return nil }
                reader.skipWhitespace()
                guard reader.take(UInt8(ascii: ":")) else { return nil }
                reader.skipWhitespace()
                guard let value = reader.value(), !fields.contains(where: { $0.key == key }) else { return nil }
                fields.append((key, value))
                reader.skipWhitespace()
            } while reader.take(UInt8(ascii: ","))
            guard reader.take(UInt8(ascii: "}")) else { return nil }
        }
        reader.skipWhitespace()
        guard reader.isAtEnd else { return nil }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var isAtEnd: Bool { index == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value() -> Value? {
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return string().map(Value.string)
            case UInt8(ascii: "n"):
                guard bytes.count - index >= 4, bytes[index + 1] == UInt8(ascii: "u"), bytes[index + 2] == UInt8(ascii: "l"),
                    bytes[index + 3] == UInt8(ascii: "l")
                else { return nil }
                index += 4
                return .null
            default:
                return integer().map(Value.integer)
            }
        }

        /// `-?(0|[1-9][0-9]*)` within Int64; a fraction or an exponent is left to `JSONDecoder`.
        mutating func integer() -> Int64? {
            let isNegative = take(UInt8(ascii: "-"))
            let start = index
            var magnitude: UInt64 = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                magnitude = sum
                index += 1
            }
            let digits = index - start
            guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e") { return nil }
            if isNegative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
            }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return Int64(magnitude)
        }

        /// A string, its escapes undone. The bytes between escapes are valid UTF-8: they came in a
        /// text frame, which was checked.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var unescaped: [UInt8] = []
            var start = index
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    let rest = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    if unescaped.isEmpty { return String(decoding: rest, as: UTF8.self) }
                    unescaped.append(contentsOf: rest)
                    return String(decoding: unescaped, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    guard unescape(into: &unescaped) else { return nil }
                    start = index
                case ..<0x20:
                    return nil  // a control character must be escaped
                default:
                    index += 1
                }
            }
            return nil
        }

        /// Reads the escape at `index` and appends what it stands for; `false` if it is not one
        /// JSON allows, or a `\u` escape of half a surrogate pair.
        private mutating func unescape(into unescaped: inout [UInt8]) -> Bool {
            guard index + 1 < bytes.count else { return false }
            let simple: UInt8? =
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes[index + 1]
                case UInt8(ascii: "b"): 0x08
                case UInt8(ascii: "f"): 0x0C
                case UInt8(ascii: "n"): 0x0A
                case UInt8(ascii: "r"): 0x0D
                case UInt8(ascii: "t"): 0x09
                default: nil
                }
            if let simple {
                unescaped.append(simple)
                index += 2
                return true
            }
            guard bytes[index + 1] == UInt8(ascii: "u"), let unit = hexUnit(at: index + 2) else { return false }
            index += 6
            var scalar = Unicode.Scalar(unit)
            if UTF16.isLeadSurrogate(unit), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                bytes[index + 1] == UInt8(ascii: "u"), let trail = hexUnit(at: index + 2), UTF16.isTrailSurrogate(trail)
            {
                index += 6
                scalar = Unicode.Scalar(0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(trail - 0xDC00))
            }
            guard let scalar else { return false }
            unescaped.append(contentsOf: UTF8.encode(scalar)!)
            return true
        }

        /// The four hex digits at `position` as a UTF-16 code unit.
        private func hexUnit(at position: Int) -> UInt16? {
            guard position + 4 <= bytes.count else { return nil }
            var unit: UInt16 = 0
            for byte in bytes[position..<position + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                unit = unit << 4 | UInt16(digit)
            }
            return unit
        }
    }
}
