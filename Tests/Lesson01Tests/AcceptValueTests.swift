import Testing

/// Exercise 1: the accept value of RFC 6455 §1.3.
@Suite("Exercise 1: Sec-WebSocket-Accept")
struct AcceptValueTests {
    let answers = Lesson01Answers.checked

    @Test("The RFC's own example key gives the RFC's accept value")
    func rfcExample() throws {
        // Computed first, so that a failure shows the value the answer gave.
        let accept = try answers.acceptValue("dGhlIHNhbXBsZSBub25jZQ==")
        #expect(accept == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    // Values computed independently with Python's hashlib and base64.
    @Test(
        "Other keys give their own accept values",
        arguments: [
            ("x3JJHMbDL1EzLkh9GBhXDw==", "HSmrc0sMlYUkAGmm5OPpG2HaGWk="),
            ("AQIDBAUGBwgJCgsMDQ4PEA==", "C/0nmHhBztSRGR1CwL6Tf4ZjwpY="),
        ]
    )
    func otherKeys(key: String, expected: String) throws {
        let accept = try answers.acceptValue(key)
        #expect(accept == expected)
    }
}
