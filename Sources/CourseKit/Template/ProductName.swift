/// The name a team gives its server when it takes the template: the executable's, the package's, and
/// what the server calls itself in logs, `/health` and its page's title.
///
/// Lower-case words joined by hyphens, as `chat-server` is: SwiftPM turns the hyphens into underscores
/// for the module, and a name like this is safe in a path, a shell command and an HTTP header alike.
public struct ProductName: Sendable, Equatable, CustomStringConvertible {
    /// The name as the course's own server is called; every copy of it becomes the product's name.
    public static let course = "chat-server"

    /// Names the template already uses for other targets or products.
    static let taken: Set<String> = ["wsclient"]

    public let description: String

    /// Checks a name.
    ///
    /// - Throws: ``CourseError/invalidProductName(_:)`` saying what a name may be.
    public init(_ name: String) throws {
        guard Self.isWellFormed(name), !Self.taken.contains(name) else { throw CourseError.invalidProductName(name) }
        description = name
    }

    /// Lower-case ASCII letters and digits in hyphen-separated words, starting with a letter; at most
    /// 40 characters, so that no line that names the product outgrows `swift format`'s 150 columns.
    static func isWellFormed(_ name: String) -> Bool {
        guard name.count <= 40, let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        let words = name.split(separator: "-", omittingEmptySubsequences: false)
        return words.allSatisfy { word in
            !word.isEmpty && word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }
    }
}
