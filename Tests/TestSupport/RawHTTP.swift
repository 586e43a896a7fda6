import Foundation
import NIOCore
import NIOPosix

/// A response read off the wire as bytes, before any HTTP library could tidy it up.
public struct RawHTTPResponse: Sendable, CustomStringConvertible {
    /// The status code from the status line.
    public let status: Int
    /// Header fields in the order received, names as sent.
    public let headers: [(name: String, value: String)]
    /// The body, for responses that have one.
    public let body: String
    /// Whether the server closed the connection after the response.
    public let closedByServer: Bool

    /// The values of a header field, matched without regard to case.
    public func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The value of a header field sent once, or `nil`.
    public func value(_ name: String) -> String? {
        let all = values(name)
        return all.count == 1 ? all[0] : nil
    }

    public var description: String {
        "\(status) \(headers.map { "\($0.name): \($0.value)" }.joined(separator: "; ")) \(body)"
    }
}

/// Sends a request exactly as written and reads the response, for handshakes no WebSocket client would
/// send.
public enum RawHTTP {
    /// Why an exchange failed.
    public enum Failure: Error {
        case timedOut
        case malformedResponse(String)
    }

    /// Writes `request` to `127.0.0.1:port` and reads one response.
    ///
    /// A `101` ends the read at the end of its head, since a WebSocket follows. Any other response is
    /// read to the server's close when it says `Connection: close`, else to its `Content-Length`.
    public static func exchange(_ request: String, port: Int, timeout: Duration = .seconds(10)) async throws -> RawHTTPResponse {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await withThrowingTaskGroup(of: RawHTTPResponse.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: request))
                    var received = [UInt8]()
                    for try await buffer in inbound {
                        received += buffer.readableBytesView
                        if let response = try parse(received, closed: false) { return response }
                    }
                    guard let response = try parse(received, closed: true) else {
                        throw Failure.malformedResponse(String(decoding: received, as: UTF8.self))
                    }
                    return response
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Failure.timedOut
            }
            let response = try await group.next()!
            group.cancelAll()
            return response
        }
    }

    /// The response in `bytes`, or `nil` if more bytes are needed.
    private static func parse(_ bytes: [UInt8], closed: Bool) throws -> RawHTTPResponse? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.firstRange(of: separator) else {
            if closed { throw Failure.malformedResponse(String(decoding: bytes, as: UTF8.self)) }
            return nil
        }
        let lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure.malformedResponse(lines[0])
        }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let body = Array(bytes[end.upperBound...])
        let response = { (closed: Bool) in
            RawHTTPResponse(status: status, headers: headers, body: String(decoding: body, as: UTF8.self), closedByServer: closed)
        }
        if status == 101 || closed { return response(closed) }
        // A complete response on a connection the server keeps open ends the read; one that says
        // `Connection: close` is read on to the close, to prove the server keeps its word.
        let saysClose = headers.contains { $0.name.lowercased() == "connection" && $0.value.lowercased().contains("close") }
        if !saysClose, let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }),
            body.count >= length
        {
            return response(false)
        }
        return nil
    }
}

extension RawHTTP {
    /// Opens a WebSocket by hand, sends `frames` as masked text frames, then goes silent: it neither
    /// reads nor answers pings, like a client whose network vanished, until `duration` has passed.
    public static func openThenVanish(_ request: String, port: Int, sending frames: [String], for duration: Duration) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var iterator = inbound.makeAsyncIterator()
            _ = try await iterator.next()
            for frame in frames {
                try await outbound.write(maskedTextFrame(frame))
            }
            try await Task.sleep(for: duration)
        }
    }

    /// Opens a WebSocket by hand and returns the first frame the server sends after its `101`: its
    /// opcode and payload (a server's frames are not masked). For a server that speaks first, such as
    /// one that closes at once: HummingbirdWSClient can miss a frame that arrives right behind the
    /// `101` when many connections open at once, and a test must not depend on that. `bytes`, sent
    /// right behind the request, can be frames no WebSocket client would send (unmasked, say).
    public static func firstFrame(
        after request: String,
        thenSending bytes: [UInt8] = [],
        port: Int,
        timeout: Duration = .seconds(5)
    ) async throws -> (opcode: UInt8, payload: [UInt8]) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await withThrowingTaskGroup(of: (opcode: UInt8, payload: [UInt8]).self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: request))
                    if !bytes.isEmpty { try await outbound.write(ByteBuffer(bytes: bytes)) }
                    var received = [UInt8]()
                    for try await buffer in inbound {
                        received += buffer.readableBytesView
                        guard let head = received.firstRange(of: Array("\r\n\r\n".utf8)) else { continue }
                        let frame = received[head.upperBound...]
                        // A short frame: two header bytes and a 7-bit length, as a Close frame is.
                        guard frame.count >= 2, frame.count >= 2 + Int(frame[frame.startIndex + 1] & 0x7F) else { continue }
                        let length = Int(frame[frame.startIndex + 1] & 0x7F)
                        return (frame[frame.startIndex] & 0x0F, Array(frame.dropFirst(2).prefix(length)))
                    }
                    throw Failure.malformedResponse(String(decoding: received, as: UTF8.self))
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Failure.timedOut
            }
            let frame = try await group.next()!
            group.cancelAll()
            return frame
        }
    }

    /// A client's text frame (RFC 6455 §5.2): final, opcode 1, masked, for payloads under 126 bytes.
    static func maskedTextFrame(_ text: String) -> ByteBuffer {
        let payload = Array(text.utf8)
        precondition(payload.count < 126, "a test frame is short")
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        var frame: [UInt8] = [0x81, 0x80 | UInt8(payload.count)] + mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return ByteBuffer(bytes: frame)
    }
}
