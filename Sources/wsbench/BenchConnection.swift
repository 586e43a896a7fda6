import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Where and how to open benchmark connections.
struct Target: Sendable {
    var host: String
    var port: Int
    var path: String
    var headers: [(String, String)]
    /// Source addresses to spread connections over (127.0.0.x), beyond the ephemeral ports of one.
    var sourceAddresses: [String]
}

/// Why a connection failed, for the report.
enum ConnectFailure: String, Error, Sendable {
    case refused
    case timeout
    case fdLimit = "fd limit"
    case httpStatus = "HTTP status"
    case other
}

/// Opens one WebSocket with NIO directly (no task per connection) and installs a ``Receiver``.
///
/// - Returns: the channel once the `101` arrived, and how long the handshake took in nanoseconds.
func openConnection(
    _ target: Target,
    index: Int,
    stats: ReceiverStats?,
    group: any EventLoopGroup,
    timeout: TimeAmount = .seconds(10)
) async throws(ConnectFailure) -> (channel: any Channel, handshakeNanoseconds: UInt64) {
    let start = monotonicNanoseconds()
    var bootstrap = ClientBootstrap(group: group).connectTimeout(timeout).channelOption(.tcpOption(.tcp_nodelay), value: 1)
    let source = target.sourceAddresses[index % target.sourceAddresses.count]
    if source != target.host, let address = try? SocketAddress(ipAddress: source, port: 0) {
        bootstrap = bootstrap.bind(to: address)
    }
    let upgraded: EventLoopFuture<(any Channel)?>
    do {
        upgraded = try await bootstrap.connect(host: target.host, port: target.port) { channel in
            channel.eventLoop.makeCompletedFuture {
                let upgrader = NIOTypedWebSocketClientUpgrader<(any Channel)?>(maxFrameSize: 1 << 24) { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(Receiver(stats: stats))
                        return channel
                    }
                }
                var headers = HTTPHeaders([("Host", "\(target.host):\(target.port)")])
                headers.add(contentsOf: target.headers)
                let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.path, headers: headers)
                let configuration = NIOTypedHTTPClientUpgradeConfiguration<(any Channel)?>(
                    upgradeRequestHead: head,
                    upgraders: [upgrader],
                    notUpgradingCompletionHandler: { channel in
                        channel.close(promise: nil)
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                )
                return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                    configuration: .init(upgradeConfiguration: configuration)
                )
            }
        }
    } catch let error as IOError where error.errnoCode == ECONNREFUSED {
        throw .refused
    } catch let error as IOError where error.errnoCode == EMFILE || error.errnoCode == ENFILE {
        throw .fdLimit
    } catch is ChannelError {
        throw .timeout
    } catch {
        throw .other
    }
    let channel: (any Channel)?
    do {
        channel = try await upgraded.get()
    } catch {
        throw .httpStatus
    }
    guard let channel else { throw .httpStatus }
    return (channel, monotonicNanoseconds() - start)
}

/// Sends one text frame, masked as a client must.
func sendText(_ text: String, on channel: any Channel) {
    channel.writeAndFlush(WebSocketFrameFactory.text(text, allocator: channel.allocator), promise: nil)
}

/// Masked client frames.
enum WebSocketFrameFactory {
    static func text(_ text: String, allocator: ByteBufferAllocator) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: allocator.buffer(string: text))
    }
}
