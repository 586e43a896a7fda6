import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program started as a child of this process, as a shell starts one: no descriptor of this
/// process's own, no signal blocked; then waited for, that one child alone.
///
/// Not Foundation's `Process`: it learns that its child ended when a socket it shares with the
/// child closes. That socket is inheritable while it starts a child, so a child another thread
/// starts meanwhile keeps it open; when that one is PostgreSQL's server, which outlives the test
/// run, the wait never ends. This one closes every inherited descriptor in the child, so it never
/// holds another's.
struct ChildProcess: Sendable {
    /// Where one of the child's output streams goes.
    enum Destination: Sendable {
        /// Discarded (`/dev/null`).
        case discarded
        /// Written to a new file at this path.
        case file(String)
        /// Where this process's own stream goes.
        case inherited
        /// Where the child's standard output goes (for its standard error).
        case standardOutput
    }

    /// The child's process id.
    let pid: pid_t

    /// Starts `executable` with `arguments`; its standard input is `/dev/null`.
    ///
    /// - Parameter environment: the child's environment, whole; this process's when `nil`.
    init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        output: Destination,
        errors: Destination
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        Self.closeInheritedDescriptors(&actions)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        Self.add(output, as: 1, to: &actions)
        Self.add(errors, as: 2, to: &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The thread that starts it may block signals (Dispatch's threads do); the child must not,
        // or SIGTERM would never stop it. SIGPIPE ignored here would stay ignored there.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &pipeSignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw SpawnFailed(executable: executable, code: spawned) }
        self.pid = pid
    }

    /// Blocks this thread until the child ends, and returns its exit status (128 + the signal, if
    /// a signal ended it). Call it once.
    func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Runs a program to its end, and returns its exit status and what it wrote to the stream
    /// `captured` names; the other stream is discarded, or inherited when `captured` is standard
    /// output.
    static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        capturing captured: Stream
    ) throws -> (status: Int32, captured: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID()).out").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let child =
            switch captured {
            case .output: try ChildProcess(executable, arguments, environment: environment, output: .file(path), errors: .inherited)
            case .errors: try ChildProcess(executable, arguments, environment: environment, output: .discarded, errors: .file(path))
            }
        let status = child.waitForExit()
        return (status, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    /// One of a child's output streams.
    enum Stream: Sendable {
        case output, errors
    }

    private static func add(_ destination: Destination, as descriptor: Int32, to actions: inout posix_spawn_file_actions_t) {
        switch destination {
        case .discarded: posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        case .inherited: break
        case .standardOutput: posix_spawn_file_actions_adddup2(&actions, 1, descriptor)
        }
    }

    /// Closes, in the child, every descriptor above standard error: with glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34 and later, which Swift's Glibc module does
    /// not declare), or else one by one, those open as the child starts.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let closeFrom = closeFrom {
            _ = closeFrom(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// The program could not be started.
    struct SpawnFailed: Error, CustomStringConvertible {
        let executable: String
        let code: Int32
        var description: String { "\(executable) could not be started (error \(code))" }
    }
}
