import ArgumentParser

/// The options every lesson's executable takes: where to listen, and whose code to run.
public struct LessonServerOptions: ParsableArguments {
    @Option(help: "The address to listen on.")
    public var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    public var port = 8080

    @Flag(help: "Run the reference solution instead of your exercise.")
    public var solution = false

    @Option(name: .customLong("allowed-origin"), help: "A browser origin allowed besides the server's own (repeatable; * allows any).")
    public var allowedOrigins: [String] = []

    public init() {}

    /// Whose code runs, for the start-up line.
    public var author: String { solution ? "the reference solution" : "your exercise" }
}
