import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program to its end: `posix_spawn`, then a wait for that one child.
///
/// Not Foundation's `Process`: in a process that runs other children too (the test suite, with its
/// PostgreSQL clusters and servers), its wait for `pg_dump` never ended, the child never reaped.
enum ChildProcess {
    /// - Parameters:
    ///   - environment: the child's environment, whole.
    /// - Returns: its exit status (128 + the signal, if a signal ended it) and what it wrote to
    ///   standard error; what it writes to standard output is discarded.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> (status: Int32, errors: String) {
        let errorsPath = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID()).err").path
        defer { try? FileManager.default.removeItem(atPath: errorsPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorsPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw SpawnFailed(executable: executable, code: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? "")
    }

    /// The program could not be started.
    struct SpawnFailed: Error, CustomStringConvertible {
        let executable: String
        let code: Int32
        var description: String { "\(executable) could not be started (error \(code))" }
    }
}
