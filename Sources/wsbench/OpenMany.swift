import Histogram
import NIOCore
import NIOPosix

/// The connections a run opened, and what opening them cost.
struct OpenedConnections {
    var channels: [Int: any Channel] = [:]
    var stats: [Int: ReceiverStats] = [:]
    var handshakes = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    var failures: [String: Int] = [:]
}

/// Opens `count` connections, `concurrency` handshakes at a time, each with its own stats when asked.
func openMany(
    _ options: BenchOptions,
    count: Int,
    firstIndex: Int = 0,
    withStats makeStats: (() -> ReceiverStats)?,
    group: any EventLoopGroup
) async throws -> OpenedConnections {
    var opened = OpenedConnections()
    var pending = (firstIndex..<(firstIndex + count)).makeIterator()
    try await withThrowingTaskGroup(of: (Int, ReceiverStats?, Result<(channel: any Channel, handshakeNanoseconds: UInt64), ConnectFailure>).self) {
        tasks in
        func start(_ index: Int) throws {
            let target = try options.target(for: index)
            let stats = makeStats?()
            tasks.addTask {
                do throws(ConnectFailure) {
                    return (index, stats, .success(try await openConnection(target, index: index, stats: stats, group: group)))
                } catch {
                    return (index, stats, .failure(error))
                }
            }
        }
        for _ in 0..<options.concurrency {
            guard let index = pending.next() else { break }
            try start(index)
        }
        while let (index, stats, result) = try await tasks.next() {
            switch result {
            case .success(let connection):
                opened.channels[index] = connection.channel
                opened.stats[index] = stats
                _ = opened.handshakes.record(connection.handshakeNanoseconds)
                if options.isChat { sendText(options.joinMessage, on: connection.channel) }
            case .failure(let failure):
                opened.failures[failure.rawValue, default: 0] += 1
            }
            if let next = pending.next() { try start(next) }
        }
    }
    return opened
}

/// Closes every channel and waits for them to be closed.
func closeAll(_ channels: [Int: any Channel]) async {
    for channel in channels.values {
        try? await channel.close()
    }
}
