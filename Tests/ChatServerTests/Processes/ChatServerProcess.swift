import Foundation
import Testing

@testable import ChatServer

#if canImport(Glibc)
    import Glibc
#endif

/// A `chat-server` process of its own, as an operator runs it: the built executable, on a port it
/// chooses, logging to a file; stopped with SIGTERM, or killed with SIGKILL as a crash would.
final class ChatServerProcess: Sendable {
    private let child: ChildProcess
    var pid: pid_t { child.pid }
    let port: Int
    let logPath: String

    /// Where the package's executables are: beside the test bundle this runs in.
    private static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    /// Starts `chat-server` with `arguments` (besides a port and a SQLite file of its own) and waits
    /// until it listens.
    init(arguments: [String]) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chat-process-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        logPath = "\(folder)/server.log"
        let executable = Self.binaries.appendingPathComponent("chat-server").path
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw NotBuilt(folder: Self.binaries.path) }
        let ownArguments = ["--port", "0", "--db", "\(folder)/chat.sqlite"]
        child = try ChildProcess(executable, arguments + ownArguments, output: .file(logPath), errors: .standardOutput)
        let deadline = ContinuousClock.now + .seconds(30)
        var port: Int?
        while port == nil, ContinuousClock.now < deadline {
            port = Self.listeningPort(in: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
            if port == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        guard let port else {
            kill(child.pid, SIGKILL)
            _ = child.waitForExit()
            throw DidNotStart(log: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
        }
        self.port = port
    }

    /// Kills the process at once, as a crash or `kill -9` would: no goodbye to anyone.
    func kill9() async throws {
        kill(pid, SIGKILL)
        try await waitUntilEnded()
    }

    /// Asks the process to stop, as an operator does, and waits until it has.
    func terminate() async throws {
        kill(pid, SIGTERM)
        try await waitUntilEnded()
    }

    /// Waits on a thread of its own: a process that stops may wait for this one's tasks (a database
    /// lock, a close), and must not find the few threads they run on blocked.
    private func waitUntilEnded() async throws {
        let child = self.child
        _ = try await TemporaryPostgres.onThreadOfItsOwn { child.waitForExit() }
    }

    /// Runs `body` with `count` processes started with `arguments`, then stops those still running.
    static func with<Value: Sendable>(
        _ count: Int,
        arguments: [String],
        _ body: ([ChatServerProcess]) async throws -> Value
    ) async throws -> Value {
        var processes: [ChatServerProcess] = []
        let result: Result<Value, any Error>
        do {
            for _ in 0..<count { processes.append(try await ChatServerProcess(arguments: arguments)) }
            result = .success(try await body(processes))
        } catch {
            result = .failure(error)
        }
        for process in processes where kill(process.pid, 0) == 0 { try? await process.terminate() }
        return try result.get()
    }

    private static func listeningPort(in log: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("listening on") }),
            let port = line.split(separator: ":").last
        else { return nil }
        return Int(port.trimmingCharacters(in: .whitespaces))
    }

    struct NotBuilt: Error, CustomStringConvertible {
        let folder: String
        var description: String { "chat-server is not built in \(folder): swift test builds every product, swift build --build-tests too" }
    }

    struct DidNotStart: Error, CustomStringConvertible {
        let log: String
        var description: String { "chat-server did not listen within 30 seconds; its log:\n\(log)" }
    }
}
