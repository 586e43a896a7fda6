import Testing

/// Exercise 1: which close codes may go on the wire (RFC 6455 §7.4).
@Suite("Exercise 1: close codes")
struct CloseCodesTests {
    let answers = Lesson03Answers.checked

    @Test(
        "The defined, registered, library and application codes may be sent",
        arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999] as [UInt16]
    )
    func sendable(code: UInt16) throws {
        #expect(try answers.mayBeSent(code))
    }

    @Test(
        "Reserved codes, the local-only 1005, 1006 and 1015, and codes outside the ranges may not",
        arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535] as [UInt16]
    )
    func notSendable(code: UInt16) throws {
        #expect(try answers.mayBeSent(code) == false)
    }
}
