#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A line on the terminal that says how a run is going, rewritten in place; silent when standard
/// error is not a terminal or the result is JSON, so that scripts see only the report.
struct ProgressLine: Sendable {
    let isEnabled: Bool

    init(json: Bool) {
        isEnabled = !json && isatty(STDERR_FILENO) == 1
    }

    func show(_ text: String) {
        write("\r\u{1B}[2K\(text)")
    }

    func clear() {
        write("\r\u{1B}[2K")
    }

    private func write(_ text: String) {
        guard isEnabled else { return }
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
    }

    /// Shows `status()` every quarter of a second while `body` runs.
    func whileRunning<T: Sendable>(
        _ status: @escaping @Sendable () async -> String,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard isEnabled else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    show(await status())
                    try? await Task.sleep(for: .milliseconds(250))
                }
                return nil
            }
            group.addTask { try await body() }
            defer { clear() }
            while let result = try await group.next() {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            throw CancellationError()
        }
    }
}
