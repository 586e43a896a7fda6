import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How text is styled: ANSI colours on a terminal, nothing when piped or when `NO_COLOR` is set
/// (no-color.org).
public struct TerminalStyle: Sendable {
    /// Whether escape codes are written at all.
    public let usesColor: Bool

    /// A style that does or doesn't colour.
    public init(usesColor: Bool) {
        self.usesColor = usesColor
    }

    /// Colours when standard output is a terminal and `NO_COLOR` is unset or empty.
    public static var standardOutput: TerminalStyle {
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return TerminalStyle(usesColor: isTerminal(STDOUT_FILENO) && !noColor)
    }

    /// Whether a file descriptor is a terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }

    /// How many columns the terminal on a descriptor has, or nil when it is not a terminal.
    public static func columns(_ descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func italic(_ text: String) -> String { wrap(text, "3") }
    public func red(_ text: String) -> String { wrap(text, "31") }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    public func cyan(_ text: String) -> String { wrap(text, "36") }

    private func wrap(_ text: String, _ code: String) -> String {
        usesColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension StringProtocol {
    /// The text without its ANSI escape sequences: what a terminal shows of it.
    var withoutTerminalEscapes: String {
        var result = ""
        var inEscape = false
        for character in self {
            if character == "\u{1B}" {
                inEscape = true
            } else if inEscape {
                if character.isLetter { inEscape = false }
            } else {
                result.append(character)
            }
        }
        return result
    }
}
