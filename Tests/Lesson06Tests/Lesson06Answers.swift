import CourseKit
import Exercise06
import Hummingbird
import LessonKit
import NIOCore
import Solution06

/// The four answers of lesson 6, from the exercise or the solution as ``CheckTarget/current`` says.
struct Lesson06Answers: Sendable {
    let makeLimit: @Sendable (_ maxConnections: Int) -> any ConnectionLimiting
    let makeRoom: @Sendable () -> any BroadcastRoom
    let makeOutbox: @Sendable (_ maxMessages: Int, _ maxBytes: Int) -> any BoundedFrameOutbox
    let makeSession: @Sendable (_ maxMessageBytes: Int) -> any Relaying

    static let exercise = Self(
        makeLimit: { Exercise06.ConnectionLimit(maxConnections: $0) },
        makeRoom: { Exercise06.Room() },
        makeOutbox: { Exercise06.BoundedOutbox(maxMessages: $0, maxBytes: $1) },
        makeSession: { Exercise06.RelaySession(maxMessageBytes: $0) }
    )
    static let solution = Self(
        makeLimit: { Solution06.ConnectionLimit(maxConnections: $0) },
        makeRoom: { Solution06.Room() },
        makeOutbox: { Solution06.BoundedOutbox(maxMessages: $0, maxBytes: $1) },
        makeSession: { Solution06.RelaySession(maxMessageBytes: $0) }
    )

    /// The answers under check in this run.
    static var checked: Self {
        switch CheckTarget.current {
        case .exercise: .exercise
        case .solution: .solution
        }
    }

    /// Lesson 6's server with these answers on `/fast`; the reference's pieces stand in for those a
    /// check does not test, so that each exercise is checked alone.
    func server(
        limit: (any ConnectionLimiting)? = nil,
        room: (any BroadcastRoom)? = nil,
        makeOutbox: (@Sendable () throws -> any BoundedFrameOutbox)? = nil,
        encode: @escaping @Sendable (RelayedMessage) throws -> ByteBuffer = RelayedMessage.encode
    ) -> any ApplicationProtocol {
        let fast = FastRelay(
            limit: limit ?? Solution06.ConnectionLimit(maxConnections: 10_000),
            room: room ?? Solution06.Room(),
            makeOutbox: makeOutbox ?? { Solution06.BoundedOutbox(maxMessages: 1024, maxBytes: 1 << 20) },
            makeSession: { Solution06.RelaySession(maxMessageBytes: 1 << 20) },
            encode: encode
        )
        return buildRelayLessonServer(fast: fast, configuration: ApplicationConfiguration())
    }
}
