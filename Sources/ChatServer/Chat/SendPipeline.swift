import NIOConcurrencyHelpers

/// A connection's messages on their way into the store: a sender's next message is read while the
/// last is still being committed, up to `limit` at once.
///
/// Commits run one after another in the store, so a client's messages are still stored and broadcast
/// in the order it sent them; the reader just does not sit idle for each commit. A busy sender's
/// messages then reach the fan-out together and leave in shared writes, where one at a time each
/// delivery was a write of its own. Anything else the client asks waits for its sends to be
/// committed first (``drained()``), so every answer still comes in the order of the requests.
///
/// One reader only: the connection's task.
final class SendPipeline: Sendable {
    private struct State {
        var inFlight = 0
        var waiter: (atMost: Int, continuation: CheckedContinuation<Void, Never>)?

        mutating func waiterToResume() -> CheckedContinuation<Void, Never>? {
            guard let waiter, inFlight <= waiter.atMost else { return nil }
            self.waiter = nil
            return waiter.continuation
        }
    }

    let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int) {
        precondition(limit > 0)
        self.limit = limit
    }

    /// Takes a place for one more message, waiting while `limit` are in flight.
    func begin() async {
        await waitUntil(atMost: limit - 1)
        state.withLockedValue { $0.inFlight += 1 }
    }

    /// Gives a place back, once its message is committed or has failed.
    func end() {
        state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.inFlight -= 1
            return state.waiterToResume()
        }?.resume()
    }

    /// Waits until every message in flight is committed or has failed.
    func drained() async {
        await waitUntil(atMost: 0)
    }

    private func waitUntil(atMost count: Int) async {
        // Checked first: a continuation suspends the task even when it is resumed at once.
        guard state.withLockedValue({ $0.inFlight > count }) else { return }
        await withCheckedContinuation { continuation in
            let now = state.withLockedValue { state -> Bool in
                if state.inFlight <= count { return true }
                state.waiter = (count, continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}
