public import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// An application on a port the system picked, running while the body runs, shut down gracefully after.
///
/// Whatever address `app` was configured with, it listens on `127.0.0.1` and port 0, so suites running
/// side by side never collide.
///
/// - Parameters:
///   - app: the application under test.
///   - body: the test; it gets the port the server listens on.
/// - Returns: what `body` returns.
public func withLiveServer<Value: Sendable>(
    _ app: any ApplicationProtocol,
    _ body: @Sendable (_ port: Int) async throws -> Value
) async throws -> Value {
    try await runLive(app, body)
}

private func runLive<App: ApplicationProtocol, Value: Sendable>(
    _ app: App,
    _ body: @Sendable (_ port: Int) async throws -> Value
) async throws -> Value {
    let makeApplication = { report in PortReportingApplication(base: app, report: report) }
    return try await withLiveService(makeApplication) { live in try await body(live.port) }
}

/// A running service, as a test sees it.
public struct LiveService<S: Service>: Sendable {
    /// The service itself.
    public let service: S
    /// The port it listens on.
    public let port: Int
    let group: ServiceGroup

    /// Shuts the service down gracefully, as SIGTERM would; ``withLiveService(_:_:)`` then waits for it.
    public func shutDown() async {
        await group.triggerGracefulShutdown()
    }
}

/// A service that reports the port it listens on, running while the body runs, shut down gracefully
/// after, as SIGTERM would.
///
/// - Parameters:
///   - makeService: builds the service; it must call `onServerRunning` once it listens.
///   - body: the test; it gets the running service.
/// - Returns: what `body` returns.
public func withLiveService<S: Service, Value: Sendable>(
    _ makeService: (_ onServerRunning: @escaping @Sendable (any Channel) async -> Void) async throws -> S,
    _ body: @Sendable (LiveService<S>) async throws -> Value
) async throws -> Value {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let service = try await makeService { channel in
        if let port = channel.localAddress?.port { portContinuation.yield(port) }
    }
    let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "live-service")))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await tasks.waitForAll()
            throw LiveServerError.stoppedBeforeListening
        }
        do {
            let value = try await body(LiveService(service: service, port: port, group: group))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// Why a live server could not be used.
public enum LiveServerError: Error {
    case stoppedBeforeListening
}

/// The application under test, moved to a free loopback port that it reports once it listens.
private struct PortReportingApplication<Base: ApplicationProtocol>: ApplicationProtocol {
    typealias Responder = Base.Responder

    let base: Base
    let report: @Sendable (any Channel) async -> Void

    var responder: Responder { get async throws { try await base.responder } }
    var server: HTTPServerBuilder { base.server }
    var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    var configuration: ApplicationConfiguration { base.configuration.with(address: .hostname("127.0.0.1", port: 0)) }
    var logger: Logger { base.logger }
    var services: [any Service] { base.services }
    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }

    @Sendable func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
        await report(channel)
    }
}
