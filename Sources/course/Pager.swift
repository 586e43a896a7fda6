import CourseKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows long text through `less -R`, as `git` and `man` do.
///
/// Foundation's `Process` starts its child in a new session on Linux, where `less` has no terminal to
/// read keys from and quits at once; so the pager is spawned directly, in this process's session.
enum Pager {
    /// Pages `text` when standard output is a terminal and `paging` is on; prints it otherwise.
    static func show(_ text: String, paging: Bool) {
        if paging, TerminalStyle.isTerminal(STDOUT_FILENO), page(text) { return }
        print(text)
    }

    /// Pages `text`; false when there is no `less`, so that the caller prints it instead.
    static func page(_ text: String) -> Bool {
        guard let less = executable(named: "less") else { return false }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return false }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, writeEnd)

        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(less), strdup("-R"), nil]
        defer {
            for argument in arguments { free(argument) }
        }
        var child = pid_t()
        let spawned = posix_spawn(&child, less, &actions, nil, arguments, environ)
        close(readEnd)
        guard spawned == 0 else {
            close(writeEnd)
            return false
        }

        // Quitting the pager early closes the pipe; that is not an error worth dying of.
        signal(SIGPIPE, SIG_IGN)
        let bytes = Array(text.utf8) + [UInt8(ascii: "\n")]
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            offset += written
        }
        close(writeEnd)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        return true
    }

    /// The path of an executable found on `PATH`.
    private static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
