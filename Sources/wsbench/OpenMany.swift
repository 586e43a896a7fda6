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

/// How opening one connection went.
private enum Outcome: Sendable {
    case opened(index: Int, stats: ReceiverStats?, channel: any Channel, handshakeNanoseconds: UInt64)
    case failed(ConnectFailure)
}

/// Opens `count` connections, `concurrency` handshakes at a time, each with its own stats when asked.
///
/// Connections join the room only when asked: a chat join tells every member, so joining 2,000 idle
/// connections would measure 2,000,000 presence messages rather than the connections.
func openMany(
    _ options: BenchOptions,
    count: Int,
    firstIndex: Int = 0,
    withStats makeStats: (() -> ReceiverStats)?,
    joiningRoom joins: Bool,
    group: any EventLoopGroup
) async throws -> OpenedConnections {
    var opened = OpenedConnections()
    let indices = Array(firstIndex..<(firstIndex + count))
    let targets = try indices.map { try options.target(for: $0) }
    var next = 0
    let progress = ProgressLine(json: options.json)
    defer { progress.clear() }
    try await withThrowingTaskGroup(of: Outcome.self) { tasks in
        while next < indices.count || !tasks.isEmpty {
            // Keep `concurrency` handshakes in flight.
            while next < indices.count, next - opened.channels.count - opened.failures.values.reduce(0, +) < options.concurrency {
                let (index, target, stats) = (indices[next], targets[next], makeStats?())
                tasks.addTask {
                    do throws(ConnectFailure) {
                        let connection = try await openConnection(target, index: index, stats: stats, group: group)
                        return .opened(index: index, stats: stats, channel: connection.channel, handshakeNanoseconds: connection.handshakeNanoseconds)
                    } catch {
                        return .failed(error)
                    }
                }
                next += 1
            }
            guard let outcome = try await tasks.next() else { break }
            switch outcome {
            case .opened(let index, let stats, let channel, let nanoseconds):
                opened.channels[index] = channel
                opened.stats[index] = stats
                _ = opened.handshakes.record(nanoseconds)
                if joins, options.isChat { sendText(options.joinMessage, on: channel) }
            case .failed(let failure):
                opened.failures[failure.rawValue, default: 0] += 1
            }
            let failed = opened.failures.values.reduce(0, +)
            progress.show("opening: \(opened.channels.count) of \(count) open, \(failed) failed")
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

extension OpenedConnections: DeliverySource {
    /// The deliveries counted so far by every receiver, each read on its receiver's event loop.
    func deliveredSoFar() async -> Int {
        var total = 0
        for (index, stats) in stats {
            guard let channel = channels[index] else { continue }
            total += (try? await channel.eventLoop.submit { stats.tally.delivered }.get()) ?? 0
        }
        return total
    }

    func results() async throws -> DeliveryResults {
        var results = DeliveryResults()
        for (index, stats) in stats {
            guard let channel = channels[index] else { continue }
            let (histogram, duplicated) = try await channel.eventLoop.submit { (stats.tally.latencies, stats.tally.duplicates) }.get()
            results.latencies.add(histogram)
            results.duplicates += duplicated
        }
        return results
    }
}
