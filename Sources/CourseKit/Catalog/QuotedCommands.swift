/// The `swift run PRODUCT …` commands a text tells its reader to type, so that the course's tests can
/// hold each to the product's real `--help`: a renamed flag must not leave a lesson behind.
public struct QuotedCommand: Sendable, Equatable, CustomStringConvertible {
    /// The executable product the command runs.
    public let product: String
    /// Its arguments as the shell would pass them, with placeholders such as `[exercise]` left in.
    public let arguments: [String]
    /// The line of the text it is on, from 1.
    public let lineNumber: Int

    public var description: String { "line \(lineNumber): swift run \(([product] + arguments).joined(separator: " "))" }

    /// Every `swift run` command in a text: in code blocks and in inline code alike. A command ends
    /// at the end of its line or code span, or at a shell comment, pipe, `&` or `;`.
    public static func all(in markdown: String) -> [QuotedCommand] {
        var commands: [QuotedCommand] = []
        for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let found = rest.firstRange(of: "swift run ") {
                let text = rest[found.upperBound...].prefix { !"`#|&;<>".contains($0) }
                rest = rest[found.upperBound...]
                if let command = command(words: words(of: text), lineNumber: index + 1) {
                    commands.append(command)
                }
            }
        }
        return commands
    }

    /// The command from the words after `swift run`: `swift run`'s own options (`-c release`) first.
    static func command(words: [String], lineNumber: Int) -> QuotedCommand? {
        var words = words[...]
        while let word = words.first, word.hasPrefix("-") {
            words = words.dropFirst(["-c", "--configuration", "--package-path", "--scratch-path"].contains(word) ? 2 : 1)
        }
        guard let product = words.first else { return nil }
        return QuotedCommand(product: product, arguments: Array(words.dropFirst()), lineNumber: lineNumber)
    }

    /// Words split as a shell splits them, with quotes honoured and removed.
    static func words(of text: Substring) -> [String] {
        var words: [String] = []
        var word: String?
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { word = (word ?? "") + String(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                word = word ?? ""
            } else if character.isWhitespace {
                if let finished = word { words.append(finished) }
                word = nil
            } else {
                word = (word ?? "") + String(character)
            }
        }
        if let finished = word { words.append(finished) }
        return words
    }

    /// The option names among the arguments: `--flag`, `--option=value`'s `--option`, `-c`; a
    /// placeholder such as `[--anyway]` counts too.
    public var options: [String] {
        arguments.compactMap { argument in
            let word = argument.hasPrefix("[") ? argument.dropFirst() : argument[...]
            guard word.hasPrefix("-"), word.count > 1, word != "--" else { return nil }
            return String(word.prefix { $0 != "=" && $0 != "]" })
        }
    }
}

/// What a command's `--help` says it takes, as swift-argument-parser prints it.
public struct CommandHelp: Sendable, Equatable {
    /// Every option and flag name, such as `--port` and `-h`.
    public let options: Set<String>
    /// The names of its subcommands.
    public let subcommands: Set<String>

    /// Reads a help text.
    public init(_ text: String) {
        var options = Set<String>()
        var subcommands = Set<String>()
        var section = ""
        for line in text.split(separator: "\n") {
            if let first = line.first, !first.isWhitespace {
                section = String(line)
                continue
            }
            let entry = line.drop { $0 == " " }
            if entry.hasPrefix("-") {
                // "-p, --port <port>   The port…": the names come before the description's two spaces.
                let synopsis = entry.firstRange(of: "  ").map { entry[..<$0.lowerBound] } ?? entry
                for part in synopsis.split(separator: " ") where part.hasPrefix("-") {
                    options.formUnion(Self.names(in: String(part)))
                }
            } else if section.hasPrefix("SUBCOMMANDS"), line.count - entry.count == 2, let name = entry.split(separator: " ").first {
                // Only an entry's first line: a wrapped description is indented further.
                subcommands.insert(String(name))
            }
        }
        self.options = options
        self.subcommands = subcommands
    }

    /// The names in one printed option: `-p,` is `-p`; `--a/--no-a` is both; `--[no-]a` is `--a` and `--no-a`.
    static func names(in printed: String) -> [String] {
        (printed.hasSuffix(",") ? String(printed.dropLast()) : printed).split(separator: "/").flatMap { part -> [String] in
            let name = String(part)
            guard let bracket = name.firstRange(of: "[no-]") else { return [name] }
            let prefix = name[..<bracket.lowerBound]
            let rest = name[bracket.upperBound...]
            return ["\(prefix)\(rest)", "\(prefix)no-\(rest)"]
        }
    }
}
