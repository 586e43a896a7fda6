import Foundation
import Synchronization

/// A client WebSocket on a plain blocking socket, for the broadcast load: opened and upgraded here, then
/// read by a ``ReceiveLoop`` (with `MSG_DONTWAIT`) and written with blocking `write`s.
///
/// The broadcast's connections do not go through NIO: a channel per receiver costs a pipeline, a frame
/// decoder and an allocation or two per frame, and it reads each socket until `EAGAIN`. What the server
/// is charged for depends on how its peer reads (see `docs/wsbench.md`), so the reading side is kept to
/// one `recv` per ready socket.
struct RawSocket: Sendable {
    let fd: Int32
    /// Held for each write: a sender's thread writes frames while its receive loop may answer a ping
    /// on the same socket, and two frames must not interleave.
    private let writing = WriteLock()

    init(fd: Int32) {
        self.fd = fd
    }

    /// Connects to `target` (from its `index`-th source address) and does the opening handshake.
    ///
    /// The `101` is checked, not the `Sec-WebSocket-Accept` value: the peer is a server under test on
    /// this machine, and `connect` and `echo` (through NIO) check it in full.
    /// - Returns: the socket and any bytes the server sent after its `101` (the first frames).
    static func open(_ target: Target, index: Int, timeoutSeconds: Int = 10) throws(ConnectFailure) -> (socket: RawSocket, leftover: [UInt8]) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw errno == EMFILE || errno == ENFILE ? .fdLimit : .other }
        let socket = RawSocket(fd: fd)
        do throws(ConnectFailure) {
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let source = target.sourceAddresses[index % target.sourceAddresses.count]
            if source != target.host {
                var local = try address(source, port: 0)
                _ = withUnsafePointer(to: &local) {
                    bind(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            var remote = try address(target.host, port: target.port)
            let connected = withUnsafePointer(to: &remote) {
                connect(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size))
            }
            guard connected == 0 else { throw errno == ECONNREFUSED ? .refused : errno == EINPROGRESS || errno == ETIMEDOUT ? .timeout : .other }
            let key = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
            var request = "GET \(target.path) HTTP/1.1\r\nHost: \(target.host):\(target.port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            request += "Sec-WebSocket-Key: \(Data(key).base64EncodedString())\r\nSec-WebSocket-Version: 13\r\n"
            for (name, value) in target.headers { request += "\(name): \(value)\r\n" }
            guard socket.write(Array((request + "\r\n").utf8)) else { throw .other }
            let response = try socket.readHead()
            guard response.head.starts(with: Array("HTTP/1.1 101".utf8)) else { throw .httpStatus }
            return (socket, response.leftover)
        } catch {
            socket.close()
            throw error
        }
    }

    /// Reads up to the end of the response head; what follows it is the first frames.
    private func readHead() throws(ConnectFailure) -> (head: [UInt8], leftover: [UInt8]) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while received.count < 65536 {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? .timeout : .other }
            received += chunk[..<count]
            if let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                return (Array(received[..<end.upperBound]), Array(received[end.upperBound...]))
            }
        }
        throw .other
    }

    /// Writes all of `bytes`, blocking while the socket's buffer is full.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        writing.mutex.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { return false }
                    offset += written
                }
                return true
            }
        }
    }

    /// Writes one masked frame (clients mask every frame, RFC 6455 §5.3).
    @discardableResult
    func writeFrame(opcode: UInt8, _ payload: some Collection<UInt8>, mask: UInt32 = .random(in: .min ... .max)) -> Bool {
        write(Self.frame(opcode: opcode, payload, mask: mask))
    }

    static func frame(opcode: UInt8, _ payload: some Collection<UInt8>, mask: UInt32) -> [UInt8] {
        var frame: [UInt8] = [0x80 | opcode]
        frame.reserveCapacity(payload.count + 14)
        switch payload.count {
        case ..<126: frame.append(0x80 | UInt8(payload.count))
        case ..<65536: frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default: frame += [0x80 | 127] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(payload.count) >> (8 * UInt64($0))) }
        }
        let key = (0..<4).map { UInt8(truncatingIfNeeded: mask >> (8 * UInt32($0))) }
        frame += key
        for (offset, byte) in payload.enumerated() { frame.append(byte ^ key[offset & 3]) }
        return frame
    }

    func close() {
        _ = Glibc.close(fd)
    }
}

private func address(_ host: String, port: Int) throws(ConnectFailure) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw .other }
    return address
}

private final class WriteLock: Sendable {
    let mutex = Mutex(())
}
