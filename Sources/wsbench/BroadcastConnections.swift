import Foundation
import Histogram
import Synchronization

/// The broadcast's connections on raw sockets: receivers spread over ``ReceiveLoop``s, and senders,
/// whose own copies of each message the loops read and drop.
final class BroadcastConnections: Sendable {
    let loops: [ReceiveLoop]
    let receivers: [RawReceiver]
    let senders: [RawSocket]
    let failures: [String: Int]

    private init(loops: [ReceiveLoop], receivers: [RawReceiver], senders: [RawSocket], failures: [String: Int]) {
        self.loops = loops
        self.receivers = receivers
        self.senders = senders
        self.failures = failures
    }

    /// Starts `options.threads` loops and opens `receivers` then `senders` connections, one handshake at a
    /// time on a thread of their own (a loopback handshake takes a fraction of a millisecond), each joining
    /// the room under chat.v1.
    static func open(_ options: BenchOptions, receivers: Int, senders: Int, messagesPerSender: Int) async throws -> BroadcastConnections {
        let targets = try (0..<(receivers + senders)).map { try options.target(for: $0) }
        let loops = (0..<options.threads).map { _ in ReceiveLoop() }
        for loop in loops { loop.start() }
        let progress = ProgressLine(json: options.json)
        defer { progress.clear() }
        return await withCheckedContinuation { opened in
            let thread = Thread {
                var (readers, writers, failures) = ([RawReceiver](), [RawSocket](), [String: Int]())
                for (index, target) in targets.enumerated() {
                    do throws(ConnectFailure) {
                        let (socket, leftover) = try RawSocket.open(target, index: index)
                        if options.isChat { socket.writeFrame(opcode: 0x1, options.joinMessage.utf8) }
                        let isSender = index >= receivers
                        let tally = isSender ? nil : DeliveryTally(senders: senders, messagesPerSender: messagesPerSender)
                        let receiver = RawReceiver(socket: socket, tally: tally, leftover: leftover)
                        loops[index % loops.count].add(receiver)
                        if isSender { writers.append(socket) } else { readers.append(receiver) }
                    } catch {
                        failures[error.rawValue, default: 0] += 1
                    }
                    progress.show("opening: \(readers.count + writers.count) of \(targets.count) open, \(failures.values.reduce(0, +)) failed")
                }
                opened.resume(returning: BroadcastConnections(loops: loops, receivers: readers, senders: writers, failures: failures))
            }
            thread.start()
        }
    }

    /// Sets every loop polling without sleeping, or back to sleeping while idle.
    func setBusyPolling(_ isBusy: Bool) {
        for loop in loops { loop.isBusy.store(isBusy, ordering: .relaxed) }
    }

    /// Stops the loops and closes every connection.
    func close() async {
        for loop in loops {
            for receiver in await loop.stop() { receiver.socket.close() }
        }
    }
}

extension BroadcastConnections: DeliverySource {
    func deliveredSoFar() async -> Int {
        loops.reduce(0) { $0 + $1.delivered.load(ordering: .relaxed) }
    }

    func results() async -> DeliveryResults {
        setBusyPolling(false)
        var results = DeliveryResults()
        results.lastArrival = loops.map { $0.lastArrival.load(ordering: .relaxed) }.max()
        // The loops are stopped first, so that no receiver's stats change while they are read.
        for loop in loops {
            for receiver in await loop.stop() {
                guard let tally = receiver.tally else { continue }
                results.latencies.add(tally.latencies)
                results.duplicates += tally.duplicates
            }
        }
        return results
    }
}
