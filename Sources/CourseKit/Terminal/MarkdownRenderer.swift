/// Renders a lesson's Markdown for a terminal: headings, code blocks, lists, quotes and inline emphasis.
///
/// It knows the Markdown the lessons use, not all of CommonMark. Without colour the text stays
/// readable as it is: headings keep their `#`, code keeps its fences' indentation.
public struct MarkdownRenderer: Sendable {
    let style: TerminalStyle
    /// The columns a line may take: a table wider than this wraps its last column.
    let width: Int

    /// - Parameters:
    ///   - style: colours, or none.
    ///   - width: the terminal's columns; lesson texts are written to 100.
    public init(style: TerminalStyle, width: Int = 100) {
        self.style = style
        self.width = width
    }

    /// The rendered text.
    public func render(_ markdown: String) -> String {
        var output: [String] = []
        var inCode = false
        var table: [Substring] = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if !inCode, line.hasPrefix("|") {
                table.append(line)
                continue
            }
            if !table.isEmpty {
                output += render(table: table)
                table = []
            }
            if line.hasPrefix("```") {
                inCode.toggle()
                continue
            }
            if inCode {
                output.append("    " + style.cyan(String(line)))
            } else if line.hasPrefix("<!--") {
                continue
            } else if line.hasPrefix("#") {
                output.append(heading(line))
            } else if line.hasPrefix("> ") {
                output.append(style.dim("│ ") + inline(line.dropFirst(2)))
            } else {
                output.append(inline(line))
            }
        }
        output += render(table: table)
        return output.joined(separator: "\n")
    }

    /// A Markdown table as aligned columns, without its separator row; the header row in bold.
    private func render(table rows: [Substring]) -> [String] {
        let cells = rows.filter { !$0.allSatisfy { "|-: ".contains($0) } }.map { row in
            row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: " ") }
        }
        // Widths are of what shows: with colour, a code span's backticks give way to escape codes.
        let rendered = cells.map { row in row.map { inline($0[...]) } }
        let columns = cells.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in
            rendered.map { column < $0.count ? Self.visibleCount($0[column]) : 0 }.max() ?? 0
        }
        // Where the last column starts, and how much room it has before the edge.
        let lastStart = 2 + widths.dropLast().reduce(0) { $0 + $1 + 2 }
        let room = max(width - lastStart, 24)
        return rendered.enumerated().flatMap { index, row in
            let line = row.enumerated().map { column, cell in
                let isLast = column == row.count - 1
                let padding = isLast ? "" : String(repeating: " ", count: widths[column] - Self.visibleCount(cell))
                let rendered = cell + padding
                return index == 0 ? style.bold(rendered) : rendered
            }
            let lead = "  " + line.dropLast().map { $0 + "  " }.joined()
            let lastLines = Self.wrap(line.last ?? "", to: room)
            return [lead + lastLines[0]] + lastLines.dropFirst().map { String(repeating: " ", count: lastStart) + $0 }
        }
    }

    /// Words of `text` in lines of at most `columns` shown characters (a longer word stands alone).
    static func wrap(_ text: String, to columns: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, visibleCount(current) + 1 + visibleCount(String(word)) > columns {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        return [lines, [current]].flatMap { $0 }
    }

    /// The characters of `text` a terminal shows: all but its escape sequences.
    static func visibleCount(_ text: String) -> Int {
        text.withoutTerminalEscapes.count
    }

    private func heading(_ line: Substring) -> String {
        let level = line.prefix { $0 == "#" }.count
        let text = String(line.dropFirst(level).drop { $0 == " " })
        guard style.usesColor else { return String(line) }
        return level == 1 ? style.bold(style.yellow(text.uppercased())) : style.bold(style.yellow(text))
    }

    /// Inline code, bold, italic and links within one line.
    func inline(_ line: Substring) -> String {
        var result = ""
        var rest = line[...]
        while let next = rest.firstIndex(where: { "`*_[".contains($0) }) {
            result += rest[..<next]
            rest = rest[next...]
            if let (rendered, remainder) = span(rest) {
                result += rendered
                rest = remainder
            } else {
                result.append(rest.removeFirst())
            }
        }
        return result + rest
    }

    /// The styled span at the start of `text` and what follows it, or `nil` if none starts there.
    private func span(_ text: Substring) -> (String, Substring)? {
        if text.hasPrefix("`"), let (inside, rest) = enclosed(text, by: "`") {
            return (style.usesColor ? style.cyan(String(inside)) : "`\(inside)`", rest)
        }
        if text.hasPrefix("**"), let (inside, rest) = enclosed(text, by: "**") {
            return (style.usesColor ? style.bold(String(inside)) : "**\(inside)**", rest)
        }
        if text.hasPrefix("*") || text.hasPrefix("_"), let (inside, rest) = enclosed(text, by: String(text.first!)), !inside.contains(" _") {
            return (style.usesColor ? style.italic(String(inside)) : "\(text.first!)\(inside)\(text.first!)", rest)
        }
        if text.hasPrefix("["), let close = text.firstRange(of: "]("), let end = text[close.upperBound...].firstIndex(of: ")") {
            let label = text[text.index(after: text.startIndex)..<close.lowerBound]
            let target = text[close.upperBound..<end]
            return ("\(inline(label)) \(style.dim("(\(target))"))", text[text.index(after: end)...])
        }
        return nil
    }

    /// The text between an opening `marker` at the start of `text` and the next one, and what follows.
    private func enclosed(_ text: Substring, by marker: String) -> (Substring, Substring)? {
        let afterOpen = text.dropFirst(marker.count)
        guard let close = afterOpen.firstRange(of: marker), close.lowerBound > afterOpen.startIndex else { return nil }
        return (afterOpen[..<close.lowerBound], afterOpen[close.upperBound...])
    }
}
