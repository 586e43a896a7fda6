/// One WebSocket frame as it crossed the wire (RFC 6455 §5.2): what lesson 2's frame reader returns.
public struct WireFrame: Sendable, Equatable {
    /// Whether this is the last frame of its message.
    public var fin: Bool
    /// What the frame carries: 0x0 a continuation, 0x1 text, 0x2 binary, 0x8 close, 0x9 ping, 0xA pong.
    public var opcode: UInt8
    /// Whether the sender masked the payload; a client masks every frame it sends (§5.3).
    public var isMasked: Bool
    /// The payload, unmasked.
    public var payload: [UInt8]
    /// How many bytes of the input the whole frame took, header included: where the next one starts.
    public var size: Int

    public init(fin: Bool, opcode: UInt8, isMasked: Bool, payload: [UInt8], size: Int) {
        self.fin = fin
        self.opcode = opcode
        self.isMasked = isMasked
        self.payload = payload
        self.size = size
    }
}
