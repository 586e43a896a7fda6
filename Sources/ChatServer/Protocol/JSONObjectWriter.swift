import Foundation
import NIOCore

/// Writes one JSON object straight into a buffer, field by field, in the order it is given.
///
/// The server sends the same few shapes of object millions of times a second under load, and
/// Foundation's `JSONEncoder` spent about a tenth of the server's CPU on them (it builds a tree of
/// boxed values, sorts its keys, then serializes it into `Data` that is copied again). Callers give
/// the fields in sorted key order, so the bytes are the ones `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` would write, which the tests check against it.
struct JSONObjectWriter {
    private(set) var buffer = ByteBuffer()
    private var isFirstField = true

    /// Writes an object at the end of `buffer`.
    static func writeObject(into buffer: inout ByteBuffer, _ body: (inout JSONObjectWriter) -> Void) {
        var writer = JSONObjectWriter()
        // Moved in and out rather than copied, so the buffer grows in place.
        swap(&writer.buffer, &buffer)
        writer.object(body)
        swap(&writer.buffer, &buffer)
    }

    /// Writes an object: `{`, the fields `body` writes, `}`.
    mutating func object(_ body: (inout JSONObjectWriter) -> Void) {
        buffer.writeInteger(UInt8(ascii: "{"))
        let outer = isFirstField
        isFirstField = true
        body(&self)
        isFirstField = outer
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    mutating func field(_ key: StaticString, _ value: String) {
        writeKey(key)
        Self.writeString(value, into: &buffer)
    }

    mutating func field(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        field(key, value)
    }

    mutating func field(_ key: StaticString, _ value: Int64) {
        writeKey(key)
        buffer.writeString(String(value))
    }

    mutating func field(_ key: StaticString, _ value: Date?) {
        guard let value else { return }
        writeKey(key)
        buffer.writeInteger(UInt8(ascii: "\""))
        Self.writeISO8601(value, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    mutating func field(_ key: StaticString, _ values: [String]?) {
        guard let values else { return }
        writeKey(key)
        writeArray(values) { Self.writeString($1, into: &$0.buffer) }
    }

    mutating func field(_ key: StaticString, _ messages: [ChatMessage]?) {
        guard let messages else { return }
        writeKey(key)
        writeArray(messages) { writer, message in writer.object { $0.fields(of: message) } }
    }

    /// A chat message's fields in sorted key order, with the server message's own `ref` and `type`
    /// where their keys sort among them.
    ///
    /// - Returns: how many bytes the buffer held before `ref`'s place, which is right after `id`.
    @discardableResult
    mutating func fields(of message: ChatMessage, ref: String? = nil, type: StaticString? = nil) -> Int {
        field("at", message.at)
        field("client_id", message.clientID)
        field("from", message.from)
        field("id", message.id)
        let refPlace = buffer.readableBytes
        field("ref", ref)
        field("room", message.room)
        field("text", message.text)
        field("to", message.to)
        if let type { field("type", type) }
        return refPlace
    }

    mutating func field(_ key: StaticString, _ value: StaticString) {
        writeKey(key)
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(value)
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private mutating func writeKey(_ key: StaticString) {
        if isFirstField {
            isFirstField = false
        } else {
            buffer.writeInteger(UInt8(ascii: ","))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(key)
        buffer.writeStaticString("\":")
    }

    private mutating func writeArray<Element>(_ elements: [Element], _ write: (inout JSONObjectWriter, Element) -> Void) {
        buffer.writeInteger(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            write(&self, element)
        }
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// A JSON string: quotes, backslashes and control characters escaped as `JSONEncoder` escapes
    /// them, everything else as its UTF-8 bytes.
    static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                default:
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hexDigits[Int(byte >> 4)])
                    buffer.writeInteger(hexDigits[Int(byte & 0x0F)])
                }
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `2026-11-30T17:04:05Z`: whole seconds in UTC, as `JSONEncoder`'s `.iso8601` writes a date.
    static func writeISO8601(_ date: Date, into buffer: inout ByteBuffer) {
        UTCTime(date).writeISO8601(into: &buffer)
    }
}
