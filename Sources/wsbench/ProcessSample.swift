import Foundation

/// CPU time and memory of a process, read from /proc (Linux).
struct ProcessSample {
    /// User plus system CPU time, in microseconds.
    var cpuMicroseconds: Double
    /// Resident set size, in bytes.
    var residentBytes: Int

    /// The sample of process `pid`, or `nil` where /proc does not have it.
    static func of(pid: Int32) -> ProcessSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3, utime 14 and stime 15 (proc(5)).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let rss =
            status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        return ProcessSample(cpuMicroseconds: (user + system) / ticks * 1_000_000, residentBytes: rss * 1024)
    }

    /// This process.
    static var current: ProcessSample? { of(pid: getpid()) }
}

/// Raises this process's soft limit on open files to its hard limit: every connection is a file.
func raiseFileLimit() -> Int {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    return Int(limit.rlim_cur)
}
