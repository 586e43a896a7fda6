import CourseKit
import Foundation
import TestSupport
import Testing

@Suite("Every swift run command a text quotes works", .onThreadsOfTheirOwn)
struct QuotedCommandsTests {
    static let root = try! CourseRoot.find(from: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path)

    /// Where the package's executables are: beside the test bundle this runs in.
    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    /// The texts a learner or a team pastes commands from.
    static func texts() throws -> [String] {
        let lessons = try LessonCatalog(root: root).lessons.flatMap { [$0.textPath, $0.hintsPath] }
        return ["README.md", "docs/server.md"] + lessons
    }

    /// The executable products `Package.swift` declares.
    static func products() throws -> Set<String> {
        let manifest = try root.read("Package.swift")
        return Set(manifest.matches(of: #/\.executable\(name: "([^"]+)"/#).map { String($0.output.1) })
    }

    @Test("Each names an executable product, and options its --help lists (subcommands' own help for theirs)")
    func commandsMatchTheirHelp() throws {
        let products = try Self.products()
        var helps = HelpCache(binaries: Self.binaries)
        var checked = 0
        for path in try Self.texts() {
            for command in QuotedCommand.all(in: try Self.root.read(path)) {
                guard products.contains(command.product) else {
                    Issue.record("\(path) \(command): there is no executable product \(command.product)")
                    continue
                }
                let (subcommands, help) = try helps.help(for: command)
                for option in command.options where !help.options.contains(option) {
                    let what = ([command.product] + subcommands).joined(separator: " ")
                    Issue.record("\(path) \(command): \(what) --help lists no \(option)")
                }
                checked += 1
            }
        }
        #expect(checked > 50, "so few commands found: is the search broken?")
    }

    @Test("A command is read as the shell would: swift run's own options, quotes, comments, placeholders")
    func reading() {
        let text = """
            swift run -c release wsbench --clients 10   # a comment --not-an-option
            Run `swift run course hint 1 [--all]`, then `swift run wsclient "ws://x/ws?name=a b" -H 'A: b'`.
            swift run chat-server --dev --db=chat.sqlite &
            """
        let commands = QuotedCommand.all(in: text)
        #expect(commands.map(\.product) == ["wsbench", "course", "wsclient", "chat-server"])
        #expect(commands.map(\.options) == [["--clients"], ["--all"], ["-H"], ["--dev", "--db"]])
        #expect(commands[2].arguments == ["ws://x/ws?name=a b", "-H", "A: b"])
        #expect(commands.map(\.lineNumber) == [1, 2, 2, 3])
    }

    @Test("Help is read for its option names, negations and subcommands")
    func helpReading() {
        let help = CommandHelp(
            """
            USAGE: tool <subcommand>

            OPTIONS:
              -p, --port <port>       The port.
              --solution/--no-solution
                                      Whose code.
              --[no-]colour           Colour.
              --a-very-long-option-name <a-very-long-option-name>
                                      Wrapped. --not-this
              -h, --help              Show help information.

            SUBCOMMANDS:
              serve (default)         Run the server, with a description that wraps onto
                                      a second line.
              users                   Accounts.
            """
        )
        #expect(
            help.options == ["-p", "--port", "--solution", "--no-solution", "--colour", "--no-colour", "--a-very-long-option-name", "-h", "--help"]
        )
        #expect(help.subcommands == ["serve", "users"])
    }
}

/// The help of each command and subcommand, asked of the built executable once.
struct HelpCache {
    let binaries: URL
    private var texts: [[String]: String] = [:]

    init(binaries: URL) {
        self.binaries = binaries
    }

    /// The subcommands a command's leading words name, and the help of the last of them.
    mutating func help(for command: QuotedCommand) throws -> (subcommands: [String], help: CommandHelp) {
        var path: [String] = []
        for word in command.arguments {
            // `PRODUCT help …` lists the subcommands even where `--help` shows the default one's options.
            let listed = CommandHelp(try text([command.product] + path + ["--help"])).subcommands.union(
                CommandHelp(try text([command.product, "help"] + path)).subcommands
            )
            guard listed.contains(word) else { break }
            path.append(word)
        }
        return (path, CommandHelp(try text([command.product] + path + ["--help"])))
    }

    private mutating func text(_ words: [String]) throws -> String {
        if let known = texts[words] { return known }
        let executable = binaries.appendingPathComponent(words[0])
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw HelpUnavailable(product: words[0], folder: binaries.path)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = Array(words.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        texts[words] = text
        return text
    }
}

struct HelpUnavailable: Error, CustomStringConvertible {
    let product: String
    let folder: String
    var description: String { "\(product) is not built in \(folder): swift test builds every product, swift build --build-tests too" }
}
