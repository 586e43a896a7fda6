/// A user's presence in a room: what other processes learn of, and announce.
struct Presence: Hashable, Sendable {
    let room: String
    let user: String
}

/// What a ``Hub`` tells when a user's presence in a room begins or ends on this process: their first
/// connection here joins the room, or their last one here leaves it.
///
/// The hub calls it under its lock, so the calls come in the order of the changes; it must be quick,
/// and must not call the hub.
protocol LocalPresenceObserver: Sendable {
    func presenceBegan(_ presence: Presence)
    func presenceEnded(_ presence: Presence)
}
