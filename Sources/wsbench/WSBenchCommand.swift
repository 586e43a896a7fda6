import ArgumentParser
import Foundation
import Histogram
import NIOCore
import NIOPosix

@main
struct WSBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wsbench",
        abstract: "Load a WebSocket server and measure it: connections, echo round trips, broadcast fan-out.",
        discussion: """
            Every run is bounded in count and in time. Targets must be on this machine (loopback) \
            unless --allow-remote is given.
            Example: swift run -c release wsbench broadcast ws://127.0.0.1:8080/ws --clients 100 \
            --senders 1 --messages 4000 --rate 400 --protocol chat.v1 --name-prefix bench
            """,
        subcommands: [Connect.self, Echo.self, Broadcast.self, FloorServer.self]
    )
}

/// What every mode takes.
struct BenchOptions: ParsableArguments {
    @Argument(help: "The WebSocket URL, such as ws://127.0.0.1:8080/ws.")
    var url: String

    @Option(help: "Connections to open (receivers, in broadcast).")
    var clients = 100

    @Option(help: "Handshakes in flight at once.")
    var concurrency = 64

    @Option(help: "chat.v1 (the course's chat server: joins a room, sends send messages) or raw (every text frame is a message).")
    var `protocol` = "chat.v1"

    @Option(help: "chat.v1 on a --dev --allow-anonymous server: connect as PREFIX0, PREFIX1, …")
    var namePrefix = "bench"

    @Option(help: "chat.v1: an access token to present (Authorization: Bearer) instead of ?name=.")
    var token: String?

    @Option(help: "The room to join (chat.v1).")
    var room = "bench"

    @Option(help: "Spread connections over 127.0.0.1 … 127.0.0.N, to stay clear of one address's ephemeral ports.")
    var sourceAddresses = 1

    @Option(help: "Threads for the connections: receive loops in broadcast, event loops otherwise (default: one per core this process may use).")
    var threads = allowedCoreCount()

    @Flag(help: "Keep the receiving threads polling instead of sleeping while stamps are sent; for a run pinned to cores of its own (taskset).")
    var busyPoll = false

    @Option(help: "Seconds after which the run stops, done or not.")
    var timeout = 60.0

    @Option(help: "The server's process id: its CPU time and memory are sampled from /proc.")
    var serverPid: Int32?

    @Flag(help: "Write the result as JSON.")
    var json = false

    @Flag(help: "Allow a target that is not on this machine.")
    var allowRemote = false

    func validate() throws {
        guard `protocol` == "chat.v1" || `protocol` == "raw" else { throw ValidationError("--protocol is chat.v1 or raw.") }
        guard clients > 0, concurrency > 0, threads > 0, sourceAddresses > 0, sourceAddresses < 255, timeout > 0 else {
            throw ValidationError("Counts and the timeout must be positive (and --source-addresses below 255).")
        }
        let host = try parsedURL().host
        guard allowRemote || host == "localhost" || host.hasPrefix("127.") || host == "::1" else {
            throw ValidationError("\(host) is not on this machine; pass --allow-remote if you mean it.")
        }
    }

    func parsedURL() throws -> (host: String, port: Int, path: String) {
        guard let components = URLComponents(string: url), components.scheme == "ws", let host = components.host else {
            throw ValidationError("The URL is ws://HOST:PORT/PATH (wss is not supported).")
        }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let query = components.percentEncodedQuery.map { "?\($0)" } ?? ""
        return (host == "localhost" ? "127.0.0.1" : host, components.port ?? 80, path + query)
    }

    var isChat: Bool { `protocol` == "chat.v1" }

    func makeLoadGroup() -> LoadGroup { LoadGroup(threads: threads, busyPoll: busyPoll) }

    /// Where connection `index` goes, with what headers.
    func target(for index: Int) throws -> Target {
        let (host, port, path) = try parsedURL()
        var headers: [(String, String)] = []
        var fullPath = path
        if isChat {
            headers.append(("Sec-WebSocket-Protocol", "chat.v1"))
            if let token {
                headers.append(("Authorization", "Bearer \(token)"))
            } else {
                fullPath += (path.contains("?") ? "&" : "?") + "name=\(namePrefix)\(index)"
            }
        }
        let sources = host.hasPrefix("127.") ? (1...sourceAddresses).map { "127.0.0.\($0)" } : [host]
        return Target(host: host, port: port, path: fullPath, headers: headers, sourceAddresses: sources)
    }

    /// What a sender puts on the wire for one stamp.
    func payload(_ stamp: Stamp) -> String {
        isChat ? #"{"type":"send","room":"\#(room)","text":"\#(stamp.text)"}"# : stamp.text
    }

    var joinMessage: String { #"{"type":"join","room":"\#(room)"}"# }
}
