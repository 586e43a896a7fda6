import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceLifecycle

/// What one process hears of the others: PostgreSQL's notifications on one channel, from one
/// connection held for the purpose, handed to a subscriber for each topic.
///
/// A notification's payload is its topic, a space, and the rest (see ``notify(_:_:)``). PostgreSQL
/// delivers the notifications of committed transactions in commit order, and drops those sent while
/// the connection was lost: after every (re)connection, once it listens again, each subscriber is
/// told (``PostgresNotificationSubscriber/listening()``) so that it can catch up from the database.
///
/// It works only while ``run()`` runs.
public final class PostgresListener: Service, Sendable {
    /// The channel every process listens on and notifies.
    static let channel = "chat_events"

    private let database: PostgresChatDatabase
    private let retryDelay: Duration
    private let state = NIOLockedValueBox(State())

    private struct State {
        var subscribers: [String: any PostgresNotificationSubscriber] = [:]
        var isListening = false
    }

    /// - Parameters:
    ///   - database: where to listen.
    ///   - retryDelay: how long to wait before connecting again after the connection is lost.
    public init(_ database: PostgresChatDatabase, retryDelay: Duration = .milliseconds(250)) {
        self.database = database
        self.retryDelay = retryDelay
    }

    /// Whether the listener is listening now: when it is not, what other processes store reaches
    /// this one's clients only once it listens again.
    public var isListening: Bool { state.withLockedValue { $0.isListening } }

    /// Hands the notifications of `topic` to `subscriber`; subscribe before ``run()``.
    func subscribe(_ topic: String, _ subscriber: any PostgresNotificationSubscriber) {
        state.withLockedValue { $0.subscribers[topic] = subscriber }
    }

    /// The statement that notifies every listener of `topic`, with `payload`; inside a transaction,
    /// the notification is sent when it commits, and never if it rolls back.
    static func notify(_ topic: String, _ payload: String) -> PostgresQuery {
        "SELECT pg_notify(\(channel), \(topic + " " + payload))"
    }

    /// Listens until the task is cancelled or shutdown begins, connecting again whenever the
    /// connection is lost.
    public func run() async {
        await database.whenRunning()
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await self.listenOnce() }
            } catch {
                if !Task.isCancelled, !Task.isShuttingDownGracefully {
                    database.logger.warning("The PostgreSQL listener lost its connection; connecting again", metadata: ["error": "\(error)"])
                }
            }
            let subscribers = state.withLockedValue { state in
                state.isListening = false
                return Array(state.subscribers.values)
            }
            for subscriber in subscribers { subscriber.lost() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.retryDelay) }
        }
    }

    private func listenOnce() async throws {
        try await database.withConnection { [self] connection in
            do {
                try await connection.listen(on: Self.channel) { notifications in
                    let subscribers = state.withLockedValue { state in
                        state.isListening = true
                        return Array(state.subscribers.values)
                    }
                    for subscriber in subscribers { try await subscriber.listening() }
                    for try await notification in notifications {
                        dispatch(notification.payload)
                    }
                }
            } catch {
                // Closed before the pool has it back: a connection the server has just cut may be
                // handed to the next lease before the pool learns it is gone, and postgres-nio 1.33
                // never answers a statement sent on it (the writer's BEGIN waited for good).
                try? await connection.close()
                throw error
            }
        }
    }

    private func dispatch(_ payload: String) {
        let topic = payload.prefix { $0 != " " }
        let rest = payload.dropFirst(topic.count + 1)
        guard let subscriber = state.withLockedValue({ $0.subscribers[String(topic)] }) else { return }
        subscriber.received(rest)
    }
}

/// What a ``PostgresListener`` tells the subscriber of one topic.
protocol PostgresNotificationSubscriber: Sendable {
    /// The listener listens, the first time or again after its connection was lost: notifications
    /// from now on arrive; those sent before may have been lost, and should be read from the database.
    /// Notifications wait until this returns; when it throws, the listener connects again.
    func listening() async throws

    /// A notification of the subscriber's topic: its payload, the topic left out.
    func received(_ payload: Substring)

    /// The listener's connection is lost; it connects again (and calls ``listening()``) in a moment.
    func lost()
}
