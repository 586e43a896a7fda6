/// The Swift code a lesson text quotes, each block tied to the file it comes from.
///
/// A lesson never carries a pasted copy that can drift: every ```` ```swift ```` block is preceded by
/// `<!-- from: path/in/the/repository.swift -->`, and the block must appear in that file, line for line
/// (indentation may differ as a whole). The course's tests hold every lesson to this.
public struct LessonQuotes: Sendable {
    /// One quoted block.
    public struct Quote: Sendable, Equatable {
        /// The file it claims to come from, relative to the course root; `nil` when unattributed.
        public let source: String?
        /// The block's lines.
        public let lines: [String]
        /// The line of the lesson text where the block starts.
        public let lineNumber: Int
    }

    /// Every Swift block in the text, in order.
    public let quotes: [Quote]

    /// Reads the Swift blocks of a lesson text.
    public init(markdown: String) {
        var quotes: [Quote] = []
        var source: String?
        var block: (start: Int, source: String?, lines: [String])?
        for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if var open = block {
                if line.hasPrefix("```") {
                    quotes.append(Quote(source: open.source, lines: open.lines, lineNumber: open.start))
                    block = nil
                } else {
                    open.lines.append(String(line))
                    block = open
                }
            } else if line.hasPrefix("<!-- from: "), let end = line.firstRange(of: " -->") {
                source = String(line[line.index(line.startIndex, offsetBy: 11)..<end.lowerBound])
            } else if line.hasPrefix("```swift") {
                block = (index + 1, source, [])
                source = nil
            } else if !line.isEmpty {
                source = nil
            }
        }
        self.quotes = quotes
    }

    /// What is wrong with each quote: no source, a missing file, or lines the file does not hold.
    public func problems(in root: CourseRoot) -> [String] {
        quotes.compactMap { quote in
            guard let source = quote.source else {
                return "line \(quote.lineNumber): a Swift block without <!-- from: path --> before it"
            }
            guard let text = try? root.read(source) else {
                return "line \(quote.lineNumber): \(source) does not exist"
            }
            let fileLines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return Self.contains(fileLines, excerpt: quote.lines) ? nil : "line \(quote.lineNumber): the block is not in \(source) as written"
        }
    }

    /// Whether `excerpt` is a run of consecutive lines of `file`, allowing one shift of indentation.
    static func contains(_ file: [String], excerpt: [String]) -> Bool {
        guard !excerpt.isEmpty, excerpt.count <= file.count else { return false }
        let wanted = dedented(excerpt)
        return (0...(file.count - excerpt.count)).contains { start in
            dedented(Array(file[start..<(start + excerpt.count)])) == wanted
        }
    }

    /// The lines without the indentation they all share.
    static func dedented(_ lines: [String]) -> [String] {
        let indents = lines.filter { !$0.allSatisfy { $0 == " " } }.map { $0.prefix { $0 == " " }.count }
        let shared = indents.min() ?? 0
        return lines.map { $0.allSatisfy { $0 == " " } ? "" : String($0.dropFirst(shared)) }
    }
}
