import ArgumentParser
import Foundation
import Histogram
import NIOCore
import NIOPosix

extension WSBenchCommand {
    /// `connect`: open many connections, hold them, report what it took.
    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open --clients connections, hold them --hold seconds, report.")
        @OptionGroup var options: BenchOptions
        @Option(help: "Seconds to hold the connections open.")
        var hold = 5.0

        func run() async throws {
            let fileLimit = raiseFileLimit()
            let loads = options.makeLoadGroup()
            let group = loads.group
            let before = options.serverPid.flatMap(ProcessSample.of)
            let start = monotonicNanoseconds()
            let opened = try await openMany(options, count: options.clients, withStats: nil, joiningRoom: false, group: group)
            let elapsed = Double(monotonicNanoseconds() - start) / 1e9
            try await Task.sleep(for: .seconds(min(hold, options.timeout)))
            let after = options.serverPid.flatMap(ProcessSample.of)
            var report = Report(mode: "connect")
            report.values["opened"] = Double(opened.channels.count)
            report.values["seconds to open"] = elapsed
            report.addPercentiles("handshake", opened.handshakes)
            report.failures = opened.failures
            if let before, let after, !opened.channels.isEmpty {
                report.values["server RSS MiB"] = Double(after.residentBytes) / 1_048_576
                report.values["server RSS per connection KiB"] =
                    Double(after.residentBytes - before.residentBytes) / 1024 / Double(opened.channels.count)
            }
            report.notes.append("file limit \(fileLimit)")
            await closeAll(opened.channels)
            try await loads.shutdown()
            report.print(asJSON: options.json)
        }
    }

    /// `echo`: every connection sends stamps and times their return.
    struct Echo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each connection sends --messages stamps at --rate per second and times each echo (raw protocol)."
        )
        @OptionGroup var options: BenchOptions
        @OptionGroup var load: LoadOptions

        func run() async throws {
            _ = raiseFileLimit()
            let loads = options.makeLoadGroup()
            let opened = try await openMany(
                options,
                count: options.clients,
                withStats: { ReceiverStats(senders: options.clients, messagesPerSender: load.messages) },
                joiningRoom: false,
                group: loads.group
            )
            let senders = opened.channels.map { (index: $0.key, channel: $0.value) }
            let result = try await runLoad(options, deliveries: opened, expected: senders.count * load.messages) { start in
                try await sendStamps(options, senders: senders, messages: load.messages, rate: load.rate, start: start)
            }
            var report = result
            report.mode = "echo"
            report.failures = opened.failures
            await closeAll(opened.channels)
            try await loads.shutdown()
            report.print(asJSON: options.json)
        }
    }

    /// `broadcast`: many receivers in one room, a few senders, every delivery timed.
    struct Broadcast: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "--clients receivers in one room; --senders send --messages each at --rate; every delivery timed."
        )
        @OptionGroup var options: BenchOptions
        @Option(help: "Connections that send.")
        var senders = 1
        @OptionGroup var load: LoadOptions

        func run() async throws {
            _ = raiseFileLimit()
            let connections = try await BroadcastConnections.open(
                options,
                receivers: options.clients,
                senders: senders,
                messagesPerSender: load.messages
            )
            // Joins are answered before sending starts; a moment is plenty on one machine.
            try await Task.sleep(for: .milliseconds(300))
            connections.setBusyPolling(options.busyPoll)
            let expected = connections.receivers.count * connections.senders.count * load.messages
            var report = try await runLoad(options, deliveries: connections, expected: expected) { start in
                let stopAt = start + UInt64(options.timeout * 1e9)
                await withDiscardingTaskGroup { group in
                    for (index, socket) in connections.senders.enumerated() {
                        let sender = StampSender(
                            socket: socket,
                            sender: index,
                            messages: load.messages,
                            rate: load.rate,
                            start: start,
                            deadline: stopAt,
                            payload: options.payload
                        )
                        group.addTask { await sender.run() }
                    }
                }
            }
            report.mode = "broadcast"
            report.failures = connections.failures
            await connections.close()
            report.print(asJSON: options.json)
        }
    }
}

/// How much each sender sends, and how fast.
struct LoadOptions: ParsableArguments {
    @Option(help: "Messages each sender sends (in echo, each connection).")
    var messages = 1000

    @Option(help: "Messages a second per sender; 0 for as fast as the socket takes them.")
    var rate = 100.0
}

/// What a run's receivers saw, gathered once it is over.
struct DeliveryResults: Sendable {
    var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    var duplicates = 0
    /// When the last delivery arrived (monotonic nanoseconds), where the receivers keep it.
    var lastArrival: UInt64?
}

/// Where a run's deliveries are counted: NIO channels (echo) or ``ReceiveLoop``s (broadcast).
protocol DeliverySource: Sendable {
    func deliveredSoFar() async -> Int
    /// Ends the receiving and gathers what it saw.
    func results() async throws -> DeliveryResults
}

/// Sends every stamp (`send` is given the start, in monotonic nanoseconds), waits for the deliveries
/// (or the timeout), and measures.
func runLoad(
    _ options: BenchOptions,
    deliveries: some DeliverySource,
    expected: Int,
    send: @escaping @Sendable (_ start: UInt64) async throws -> Void
) async throws -> Report {
    let serverBefore = options.serverPid.flatMap(ProcessSample.of)
    let selfBefore = ProcessSample.current
    let start = monotonicNanoseconds()
    let deadline = ContinuousClock.now + .seconds(options.timeout)
    let progress = ProgressLine(json: options.json)
    let status: @Sendable () async -> String = {
        let delivered = await deliveries.deliveredSoFar()
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        return "sending: \(delivered) of \(expected) delivered, \(Int(Double(delivered) / max(seconds, 0.001)))/s"
    }
    try await progress.whileRunning(status) { try await send(start) }
    var delivered = 0
    while ContinuousClock.now < deadline {
        delivered = await deliveries.deliveredSoFar()
        if delivered >= expected { break }
        progress.show("waiting: \(delivered) of \(expected) delivered")
        try await Task.sleep(for: .milliseconds(5))
    }
    progress.clear()
    let serverAfter = options.serverPid.flatMap(ProcessSample.of)
    let selfAfter = ProcessSample.current
    let results = try await deliveries.results()
    // From the first send to the last delivery where the receivers know it, not to when it was noticed.
    let end = results.lastArrival.flatMap { $0 > start ? $0 : nil } ?? monotonicNanoseconds()
    let elapsed = Double(end - start) / 1e9

    var report = Report(mode: "")
    report.values["expected deliveries"] = Double(expected)
    report.values["delivered"] = Double(delivered)
    report.values["lost"] = Double(max(0, expected - delivered))
    report.values["duplicated"] = Double(results.duplicates)
    report.values["seconds"] = elapsed
    report.values["deliveries per second"] = Double(delivered) / elapsed
    report.addPercentiles("latency", results.latencies)
    if let serverBefore, let serverAfter, delivered > 0 {
        report.values["server CPU µs per delivery"] = (serverAfter.cpuMicroseconds - serverBefore.cpuMicroseconds) / Double(delivered)
        report.values["server RSS MiB"] = Double(serverAfter.residentBytes) / 1_048_576
    }
    if let selfBefore, let selfAfter, delivered > 0 {
        report.values["wsbench CPU µs per delivery"] = (selfAfter.cpuMicroseconds - selfBefore.cpuMicroseconds) / Double(delivered)
    }
    return report
}

/// Every sender sends its stamps: paced from its event loop at `rate`, or as fast as its socket takes them.
private func sendStamps(
    _ options: BenchOptions,
    senders: [(index: Int, channel: any Channel)],
    messages: Int,
    rate: Double,
    start: UInt64
) async throws {
    let stopAt = start + UInt64(options.timeout * 1e9)
    try await withThrowingTaskGroup(of: Void.self) { group in
        for sender in senders {
            group.addTask {
                if rate > 0 {
                    try await PacedSender.send(
                        on: sender.channel,
                        sender: sender.index,
                        messages: messages,
                        rate: rate,
                        start: start,
                        deadline: stopAt,
                        payload: options.payload
                    )
                    return
                }
                // As fast as the socket takes them: wait for every 64th write, so the buffer stays bounded.
                for sequence in 0..<messages {
                    guard monotonicNanoseconds() < stopAt else { return }
                    let stamp = Stamp(sender: sender.index, sequence: sequence, sentAt: monotonicNanoseconds())
                    let frame = WebSocketFrameFactory.text(options.payload(stamp), allocator: sender.channel.allocator)
                    if sequence % 64 == 63 {
                        try await sender.channel.writeAndFlush(frame).get()
                    } else {
                        sender.channel.writeAndFlush(frame, promise: nil)
                    }
                }
            }
        }
        try await group.waitForAll()
    }
}
