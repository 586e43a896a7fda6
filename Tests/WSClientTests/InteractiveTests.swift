import Foundation
import Hummingbird
import HummingbirdWebSocket
import TestSupport
import Testing

/// wsclient as a person uses it: a line typed, its reply shown, while standard input stays open.
@Suite("wsclient at a prompt", .serialized)
struct InteractiveTests {
    /// The wsclient executable, built beside the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("wsclient")
    }

    /// An echo server on `/ws`.
    static func echoServer() -> some ApplicationProtocol {
        let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
        webSocketRouter.ws("/ws") { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: 1 << 16) {
                if case .text(let text) = message { try await outbound.write(.text("echo: \(text)")) }
            }
        }
        return Application(router: Router(), server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter))
    }

    @Test("Each reply is shown as it arrives, before the next line is typed")
    func repliesShowWhileWaitingForInput() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "build wsclient first")
        try await withLiveServer(Self.echoServer()) { port in
            let process = Process()
            process.executableURL = Self.executable
            process.arguments = ["ws://127.0.0.1:\(port)/ws"]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer {
                try? input.fileHandleForWriting.close()
                process.waitUntilExit()
            }
            let lines = LineReader(output.fileHandleForReading)
            for word in ["one", "two", "three"] {
                input.fileHandleForWriting.write(Data("\(word)\n".utf8))
                // Standard input stays open and silent: the reply must come anyway.
                #expect(try await lines.next(timeout: .seconds(5)) == "echo: \(word)")
            }
        }
    }
}

/// Lines from a pipe, read on a thread of their own, each waited for with a time limit.
final class LineReader: Sendable {
    private let lines: AsyncStream<String>

    init(_ handle: FileHandle) {
        lines = AsyncStream { continuation in
            Thread {
                var buffer = Data()
                while case let chunk = handle.availableData, !chunk.isEmpty {
                    buffer.append(chunk)
                    while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                        continuation.yield(String(decoding: buffer[..<newline], as: UTF8.self))
                        buffer.removeSubrange(...newline)
                    }
                }
                continuation.finish()
            }.start()
        }
    }

    /// The next line, or nil if none came within `timeout`.
    func next(timeout: Duration) async throws -> String? {
        try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { [lines] in
                var iterator = lines.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
