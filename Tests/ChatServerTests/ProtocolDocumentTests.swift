import ChatServer
import Foundation
import Testing

@Suite("The AsyncAPI document matches the code")
struct ProtocolDocumentTests {
    let document: String

    init() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let path = tests.appendingPathComponent("../../docs/asyncapi.yaml").standardizedFileURL
        document = try String(contentsOf: path, encoding: .utf8)
    }

    /// Every `type: { const: … }` in the document.
    var documentedTypes: Set<String> {
        Set(
            document.split(separator: "\n").compactMap { line -> String? in
                guard let range = line.firstRange(of: "type: { const: ") else { return nil }
                return String(line[range.upperBound...].prefix { $0 != " " && $0 != "}" })
            }
        )
    }

    @Test("Every message type the server reads or sends is documented, and nothing else")
    func typesMatch() {
        #expect(documentedTypes == Set(ClientMessage.types + ServerMessage.types))
    }

    @Test("Every error code the server sends is documented")
    func errorCodesMatch() throws {
        let line = try #require(document.split(separator: "\n").first { $0.contains("enum: [invalid_json") })
        let codes = line.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(Set(codes) == Set(ErrorCode.all.map(\.rawValue)))
    }
}
