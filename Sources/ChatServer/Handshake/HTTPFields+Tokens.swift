import HTTPTypes

extension HTTPFields {
    /// The comma-separated elements of every field with this name, trimmed of spaces (RFC 9110 §5.6.1).
    ///
    /// `Connection: keep-alive, Upgrade` has the tokens `keep-alive` and `Upgrade`; a field sent twice
    /// contributes the tokens of both lines.
    func tokens(_ name: HTTPField.Name) -> [Substring] {
        self[values: name].flatMap { value in
            value.split(separator: ",").map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
        }
    }

    /// ``tokens(_:)`` in lower case, for fields whose tokens compare case-insensitively (`Upgrade`, `Connection`).
    func lowercasedTokens(_ name: HTTPField.Name) -> [String] {
        tokens(name).map { $0.lowercased() }
    }
}

extension Substring {
    /// The substring without the given characters at either end.
    fileprivate func trimmingCharacters(in characters: String) -> Substring {
        var trimmed = self
        while let first = trimmed.first, characters.contains(first) { trimmed.removeFirst() }
        while let last = trimmed.last, characters.contains(last) { trimmed.removeLast() }
        return trimmed
    }
}
