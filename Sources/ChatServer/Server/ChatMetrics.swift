import Metrics
import Prometheus

/// The server's metrics, kept in a Prometheus registry of its own and served as text at `/metrics`.
///
/// The registry is not bootstrapped into swift-metrics' global system, so several servers can live in
/// one process, as they do in the tests; each counts only its own connections.
public final class ChatMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    /// Open WebSocket connections.
    let connections: Metrics.Meter
    /// Client messages received.
    let messagesIn: Metrics.Counter
    /// Frames written to clients.
    let messagesOut: Metrics.Counter

    public init() {
        factory = PrometheusMetricsFactory(registry: registry)
        connections = Metrics.Meter(label: "chat_connections", factory: factory)
        messagesIn = Metrics.Counter(label: "chat_messages_in_total", factory: factory)
        messagesOut = Metrics.Counter(label: "chat_messages_out_total", factory: factory)
    }

    /// `error` events sent, by code.
    func errors(_ code: ErrorCode) -> Metrics.Counter {
        Metrics.Counter(label: "chat_errors_total", dimensions: [("code", code.rawValue)], factory: factory)
    }

    /// Connections the server closed, by close code.
    func closes(_ code: String) -> Metrics.Counter {
        Metrics.Counter(label: "chat_closes_total", dimensions: [("code", code)], factory: factory)
    }

    /// Every metric in Prometheus' text exposition format.
    public var exposition: String {
        registry.emitToString()
    }
}
