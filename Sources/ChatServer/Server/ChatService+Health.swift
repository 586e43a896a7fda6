import Foundation

extension ChatService {
    /// What `GET /health` answers: whether the server can serve, and a line for each part it needs.
    ///
    /// The first line is `NAME: ok`, or names what is wrong; a load balancer needs only the status
    /// (200 or 503). On PostgreSQL, two more lines tell the database's state and the listener's: a
    /// process that does not listen still serves its own clients, but what other processes store
    /// reaches them only once it listens again, so it is unhealthy until then.
    @Sendable func health() async -> (isHealthy: Bool, report: String) {
        let name = configuration.productName
        guard let history else {
            return await database?.isHealthy() == true ? (true, "\(name): ok\n") : (false, "\(name): database unavailable\n")
        }
        let isDatabaseHealthy = await history.database.isHealthy()
        let isListening = history.listener.isListening
        let first =
            switch (isDatabaseHealthy, isListening) {
            case (true, true): "\(name): ok"
            case (false, _): "\(name): database unavailable"
            case (true, false): "\(name): not hearing the other processes"
            }
        let report = [
            first,
            "postgresql: \(isDatabaseHealthy ? "answering" : "not answering")",
            "listener: \(isListening ? "listening" : "reconnecting")",
        ]
        return (isDatabaseHealthy && isListening, report.joined(separator: "\n") + "\n")
    }
}
