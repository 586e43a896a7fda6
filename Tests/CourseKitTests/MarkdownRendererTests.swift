import CourseKit
import Testing

@Suite("Rendering lessons for a terminal")
struct MarkdownRendererTests {
    let markdown = """
        # Lesson 1 — The handshake
        Text with `code`, **bold** and a [link](https://example.com).
        <!-- from: A.swift -->
        ```swift
        let x = 1
        ```
        """

    @Test("Without colour, the text stays as written but for fences and comments")
    func plain() {
        let rendered = MarkdownRenderer(style: TerminalStyle(usesColor: false)).render(markdown)
        #expect(!rendered.contains("\u{1B}["))
        #expect(rendered.contains("# Lesson 1 — The handshake"))
        #expect(rendered.contains("Text with `code`, **bold** and a link (https://example.com)."))
        #expect(rendered.contains("    let x = 1"))
        #expect(!rendered.contains("```"))
        #expect(!rendered.contains("<!--"))
    }

    @Test("With colour, headings, code and emphasis are styled and their markers dropped")
    func coloured() {
        let rendered = MarkdownRenderer(style: TerminalStyle(usesColor: true)).render(markdown)
        #expect(rendered.contains("\u{1B}[1m"))
        #expect(!rendered.contains("**"))
        #expect(!rendered.contains("`code`"))
        #expect(rendered.contains("LESSON 1 — THE HANDSHAKE"))
    }

    @Test("Tables become aligned columns without their separator row")
    func tables() {
        let table = """
            | # | lesson |
            |---|---|
            | 1 | `handshake` |
            | 10 | chat |
            """
        let rendered = MarkdownRenderer(style: TerminalStyle(usesColor: false)).render(table)
        #expect(rendered == "  #   lesson\n  1   `handshake`\n  10  chat")
    }

    @Test("With colour, columns line up as shown, the code spans' dropped backticks included")
    func colouredTables() {
        let table = """
            | file | what |
            |---|---|
            | `AcceptValue.swift` | the accept value |
            | plain.swift | the rest |
            """
        let rendered = MarkdownRenderer(style: TerminalStyle(usesColor: true)).render(table)
        let shown = rendered.split(separator: "\n").map { $0.replacing(#/\u{1B}\[[0-9;]*m/#, with: "") }
        #expect(shown == ["  file               what", "  AcceptValue.swift  the accept value", "  plain.swift        the rest"])
    }

    @Test("A table wider than the terminal wraps its last column under itself")
    func wideTables() {
        let table = """
            | what | answer |
            |---|---|
            | a version other than 13 | 426 Upgrade Required with a field that says which version |
            """
        let rendered = MarkdownRenderer(style: TerminalStyle(usesColor: false), width: 60).render(table)
        #expect(
            rendered.split(separator: "\n") == [
                "  what                     answer",
                "  a version other than 13  426 Upgrade Required with a field",
                "                           that says which version",
            ]
        )
    }
}
