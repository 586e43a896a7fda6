import Crypto
import Foundation
import HTTPTypes
import NIOCore

/// The web chat page, with the headers that keep it to itself: a Content Security Policy that lets
/// run only the page's own script and style, by their SHA-256 hashes, and talk only to its own server.
///
/// The page is one file with its script and style inline (no build step), so the policy names their
/// hashes rather than allowing inline code in general: an injected `<script>` would not run.
public struct WebPage: Sendable {
    public let body: ByteBuffer
    public let headers: HTTPFields

    /// The web chat, as the server serves it at `/`; public so that a lesson's server can serve it too.
    ///
    /// - Parameter title: the page's title, in place of the file's `<title>Chat</title>`: the product's name.
    public static func chat(title: String = "Chat") throws -> WebPage {
        guard let url = Bundle.module.url(forResource: "index.html", withExtension: nil, subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "index.html"])
        }
        let html = try String(contentsOf: url, encoding: .utf8)
        return WebPage(html: html.replacing("<title>Chat</title>", with: "<title>\(escapingHTML(title))</title>"))
    }

    /// The text with the characters HTML gives meaning to written as entities.
    static func escapingHTML(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }

    init(html: String) {
        body = ByteBuffer(string: html)
        let scripts = Self.inline("script", in: html).map(Self.hashSource).joined(separator: " ")
        let styles = Self.inline("style", in: html).map(Self.hashSource).joined(separator: " ")
        let policy = [
            "default-src 'none'",
            "script-src \(scripts)",
            "style-src \(styles)",
            // 'self' also matches ws: and wss: to the same host in CSP Level 3
            // (w3.org/TR/CSP3/#match-url-to-source-expression); Safari has since WebKit r292266 (2022).
            "connect-src 'self'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
        headers = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: policy.joined(separator: "; "),
            .xContentTypeOptions: "nosniff",
            .referrerPolicy: "no-referrer",
        ]
    }

    /// The text of each `<tag>…</tag>` element without attributes, as the browser hashes it.
    static func inline(_ tag: String, in html: String) -> [String] {
        var found: [String] = []
        var rest = html[...]
        while let open = rest.firstRange(of: "<\(tag)>"), let close = rest[open.upperBound...].firstRange(of: "</\(tag)>") {
            found.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// A CSP hash source: `'sha256-<base64 of the SHA-256 of the UTF-8 text>'`.
    static func hashSource(_ text: String) -> String {
        "'sha256-\(Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString())'"
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
}
