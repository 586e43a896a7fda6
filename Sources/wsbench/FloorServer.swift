import ArgumentParser
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

extension WSBenchCommand {
    /// `floor-server`: the least a broadcast server can do, to measure wsbench against.
    struct FloorServer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "floor-server",
            abstract: "Run a trivial broadcast server (every text frame to every connection) to measure wsbench's own floor.",
            discussion: """
                It keeps no state but the list of connections, on one event loop: each frame is written to \
                every connection, and each connection is flushed once per batch of reads. What wsbench \
                measures against it is wsbench's floor on this machine. Use --protocol raw.
                """
        )

        @Option(help: "The port on 127.0.0.1.")
        var port = 8403

        func run() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let room = FloorRoom()
            let upgrader = NIOWebSocketServerUpgrader(
                shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                upgradePipelineHandler: { channel, _ in
                    channel.pipeline.addHandler(FloorConnection(room: room))
                }
            )
            let server = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 4096)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.pipeline.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }
                .bind(host: "127.0.0.1", port: port)
                .get()
            print("floor-server listening on ws://127.0.0.1:\(port)/")
            try await server.closeFuture.get()
        }
    }
}

/// Every connection of the floor server; touched only on its one event loop.
private final class FloorRoom: @unchecked Sendable {
    var members: [ObjectIdentifier: FloorConnection] = [:]
    /// Connections written to since their last flush.
    var unflushed: [FloorConnection] = []
}

private final class FloorConnection: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let room: FloorRoom
    var context: ChannelHandlerContext?
    var isUnflushed = false

    init(room: FloorRoom) {
        self.room = room
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        room.members[ObjectIdentifier(self)] = self
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        room.members[ObjectIdentifier(self)] = nil
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let out = WebSocketFrame(fin: true, opcode: .text, data: frame.unmaskedData)
            for member in room.members.values {
                member.context?.write(wrapOutboundOut(out), promise: nil)
                if !member.isUnflushed {
                    member.isUnflushed = true
                    room.unflushed.append(member)
                }
            }
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        for member in room.unflushed {
            member.isUnflushed = false
            member.context?.flush()
        }
        room.unflushed.removeAll(keepingCapacity: true)
        context.fireChannelReadComplete()
    }
}
