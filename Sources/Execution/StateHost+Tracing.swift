public import EVM

extension StateHost {
    /// Runs one frame for `message` (a call, or a create when `message.kind.isCreate`); with a
    /// `tracer`, wraps it in `enter`/`exit`.
    public mutating func call(_ message: Message) -> ExecutionResult {
        guard let t = tracer else { return runFrame(message) }
        t.enter(message)
        let r = runFrame(message)
        t.exit(r)
        return r
    }
}
