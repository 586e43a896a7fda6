import Foundation

/// CPU time and memory of a process, read from /proc (Linux).
struct ProcessSample {
    /// CPU time, in microseconds: from the scheduler's nanosecond counts where there are some.
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
        let cpu = scheduledNanoseconds(of: pid).map { Double($0) / 1000 } ?? (user + system) / ticks * 1_000_000
        return ProcessSample(cpuMicroseconds: cpu, residentBytes: rss * 1024)
    }

    /// The time every thread of `pid` has run, in nanoseconds, from `/proc/PID/task/*/schedstat`.
    ///
    /// `utime` and `stime` count 10 ms ticks, charged to whichever thread was running when each tick
    /// came; the scheduler's own count is exact, and it is what the independent generator reads too.
    private static func scheduledNanoseconds(of pid: Int32) -> UInt64? {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return nil }
        let times = tasks.compactMap { task in
            (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/schedstat", encoding: .utf8))?
                .split(separator: " ").first.flatMap { UInt64($0) }
        }
        return times.isEmpty ? nil : times.reduce(0, +)
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
