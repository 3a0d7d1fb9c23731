import EVM
import Hashing
import Primitives
import Testing

/// CALL family, CREATE/CREATE2 and SELFDESTRUCT through `InMemoryHost`.
struct CallCreateTests {
    static let target = EVMAddress(hex: "00000000000000000000000000000000000ca11e")!

    @Test func callWithValueToNewAccount() {
        // 7 pushes (21) + CALL 100 + cold 2500 + value 9000 + new account 25000, minus the unused 2300 stipend.
        let r = execute(call(gas: 0, to: otherAddress, value: 1) + .stop)
        #expect(r.status == .success)
        #expect(r.gasUsed == 21 + 100 + 2500 + 9000 + 25000 - 2300)
        #expect(r.host.accounts[otherAddress]?.balance == UInt256(1))
        #expect(r.host.accounts[contractAddress]?.balance == UInt256(999_999))
        // Pre-Berlin (Istanbul): CALL 700, no cold cost.
        #expect(execute(call(gas: 0, to: otherAddress, value: 1) + .stop, fork: .istanbul).gasUsed == 21 + 700 + 9000 + 25000 - 2300)
        // Without value: no new-account charge from Spurious Dragon, always before.
        #expect(execute(call(gas: 0, to: otherAddress) + .stop).gasUsed == 21 + 2600)
        #expect(execute(call(gas: 0, to: otherAddress) + .stop, fork: .homestead).gasUsed == 21 + 40 + 25000)
    }

    @Test func callWithInsufficientBalanceFailsWithoutHalting() {
        let c = call(gas: 0, to: otherAddress, value: 2_000_000) + retTop()
        let r = execute(c)
        #expect(r.status == .success)
        #expect(r.word == .zero)
        // The stipend stays with the caller since the call did not happen.
        #expect(r.gasUsed == 21 + 100 + 2500 + 9000 + 25000 - 2300 + 15)
    }

    @Test func nestedCallReturnData() {
        let callee = push(42) + retTop()
        let c =
            call(gas: 50_000, to: Self.target, retOffset: 0, retSize: 32) + mload(0) + .returndatasize + .add + retTop()
        let r = execute(c) { h in h.accounts[Self.target] = Account(code: callee.bytes) }
        #expect(r.word == UInt256(42 + 32))
        // RETURNDATACOPY past the end halts (EIP-211).
        let bad = call(gas: 50_000, to: Self.target) + .pop + push(1) + push(32) + push(0) + .returndatacopy
        let r2 = execute(bad) { h in h.accounts[Self.target] = Account(code: callee.bytes) }
        #expect(r2.status == .halt(.invalidMemoryAccess))
        let ok = call(gas: 50_000, to: Self.target) + .pop + push(32) + push(0) + push(0) + .returndatacopy + ret(0, 32)
        let r3 = execute(ok) { h in h.accounts[Self.target] = Account(code: callee.bytes) }
        #expect(r3.word == UInt256(42))
    }

    @Test func allButOne64th() {
        // Callee returns the GAS it sees first thing.
        let callee = Bytecode(.gas) + retTop()
        let c = call(gas: UInt64.max, to: Self.target, retSize: 32) + mload(0) + retTop()
        let r = execute(c, gas: 1_000_000) { h in h.accounts[Self.target] = Account(code: callee.bytes) }
        let g: Int64 = 1_000_000 - 21 - 100 - 2500 - 3
        #expect(r.word == UInt256(UInt64(g - g / 64 - 2)))
        // Frontier: asking for more gas than available is out of gas.
        let r2 = execute(c, fork: .frontier) { h in h.accounts[Self.target] = Account(code: callee.bytes) }
        #expect(r2.status == .halt(.outOfGas))
    }

    @Test func revertedCalleeRollsBackState() {
        let callee = sstore(1, 1) + revert(0, 0)
        let c = call(gas: 100_000, to: Self.target) + retTop()
        let r = execute(c) { h in h.accounts[Self.target] = Account(code: callee.bytes) }
        #expect(r.word == .zero)
        #expect(r.host.accounts[Self.target]!.storage.isEmpty)
        let callee2 = sstore(1, 1) + .stop
        let r2 = execute(c) { h in h.accounts[Self.target] = Account(code: callee2.bytes) }
        #expect(r2.word == .one)
        #expect(r2.host.accounts[Self.target]!.storage[.one] == .one)
    }

    @Test func delegateCallAndCallCodeContext() {
        // Callee stores CALLER and CALLVALUE in storage slots 0 and 1 and ADDRESS in slot 2.
        let callee = Bytecode(.caller) + push(0) + .sstore + .callvalue + push(1) + .sstore + .address + push(2) + .sstore
        let setup: (inout InMemoryHost) -> Void = { h in h.accounts[Self.target] = Account(code: callee.bytes) }
        let d = execute(call(.delegatecall, gas: 200_000, to: Self.target) + .stop, value: UInt256(7), setup: setup)
        let s = d.host.accounts[contractAddress]!.storage
        #expect(s[.zero] == UInt256(address: senderAddress))  // caller preserved
        #expect(s[.one] == UInt256(7))  // value preserved
        #expect(s[UInt256(2)] == UInt256(address: contractAddress))
        #expect(d.host.accounts[Self.target]!.storage.isEmpty)
        let cc = execute(call(.callcode, gas: 200_000, to: Self.target, value: 3) + .stop, setup: setup)
        let s2 = cc.host.accounts[contractAddress]!.storage
        #expect(s2[.zero] == UInt256(address: contractAddress))  // CALLCODE: the caller is the contract itself
        #expect(s2[.one] == UInt256(3))
        #expect(s2[UInt256(2)] == UInt256(address: contractAddress))
    }

    @Test func staticCallForbidsStateChanges() {
        let writer = sstore(1, 1) + .stop
        let c = call(.staticcall, gas: 100_000, to: Self.target) + retTop()
        let r = execute(c) { h in h.accounts[Self.target] = Account(code: writer.bytes) }
        #expect(r.word == .zero)
        // Reading is fine.
        let reader = sload(1) + retTop()
        let r2 = execute(c) { h in h.accounts[Self.target] = Account(code: reader.bytes) }
        #expect(r2.word == .one)
        // CALL with value inside a static frame halts; without value it is fine.
        #expect(execute(call(gas: 0, to: otherAddress, value: 1), isStatic: true).status == .halt(.staticModeViolation))
        #expect(execute(call(gas: 0, to: otherAddress) + .stop, isStatic: true).status == .success)
        for op in [push(0) + .selfdestruct, push(0) + push(0) + push(0) + .create, push(0) + push(0) + .log0] {
            #expect(execute(op, isStatic: true).status == .halt(.staticModeViolation))
        }
    }

    @Test func eip7702DelegatedCall() {
        // `otherAddress` carries a delegation designator to `target`, whose code returns 42.
        let designator = [0xef, 0x01, 0x00] + (0..<20).map { Self.target[$0] }
        let setup: (inout InMemoryHost) -> Void = { h in
            h.accounts[Self.target] = Account(code: (push(42) + retTop()).bytes)
            h.accounts[otherAddress] = Account(code: designator)
        }
        let c = call(gas: 50_000, to: otherAddress, retSize: 32) + mload(0) + retTop()
        let r = execute(c, fork: .prague, setup: setup)
        #expect(r.word == UInt256(42))
        // Cancun does not follow the designator (0xEF is undefined: the call fails).
        #expect(execute(c, fork: .cancun, setup: setup).word == .zero)
        // Cost: the delegate's cold access is charged too.
        let plain = call(gas: 0, to: otherAddress) + .stop
        #expect(execute(plain, fork: .prague, setup: setup).gasUsed == 21 + 2600 + 2600)
    }

    // MARK: CREATE / CREATE2

    @Test func createAddressVectors() {
        let s = EVMAddress(hex: "6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0")!
        #expect(InMemoryHost.createAddress(sender: s, nonce: 0) == EVMAddress(hex: "cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d")!)
        #expect(InMemoryHost.createAddress(sender: s, nonce: 1) == EVMAddress(hex: "343c43a37d37dff08ae8c4a11544c718abb4fcf8")!)
        #expect(InMemoryHost.createAddress(sender: s, nonce: 2) == EVMAddress(hex: "f778b86fa74e846c4f0a1fbd1335fe81c00a0c91")!)
        // EIP-1014 examples 0 and 1.
        #expect(
            InMemoryHost.create2Address(sender: .zero, salt: .zero, initCode: [0])
                == EVMAddress(hex: "4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38")!)
        #expect(
            InMemoryHost.create2Address(
                sender: EVMAddress(hex: "deadbeef00000000000000000000000000000000")!, salt: .zero, initCode: [0])
                == EVMAddress(hex: "b928f69bb1d91cd65274e3c79d8986362984fda3")!)
    }

    static func createCode(_ initCode: Bytecode, create2Salt: UInt64? = nil, value: UInt64 = 0) -> Bytecode {
        var c = storeInMemory(initCode)
        if let salt = create2Salt {
            c = c + push(salt) + push(UInt64(initCode.count)) + push(0) + push(value) + .create2
        } else {
            c = c + push(UInt64(initCode.count)) + push(0) + push(value) + .create
        }
        return c
    }

    @Test func createDeploysRuntimeCode() {
        let runtime = push(42) + retTop()
        let r = execute(Self.createCode(deploy(runtime), value: 5) + retTop())
        #expect(r.status == .success)
        let expected = InMemoryHost.createAddress(sender: contractAddress, nonce: 1)
        #expect(r.word == UInt256(address: expected))
        #expect(r.host.accounts[expected]?.code == runtime.bytes)
        #expect(r.host.accounts[expected]?.nonce == 1)
        #expect(r.host.accounts[expected]?.balance == UInt256(5))
        #expect(r.host.accounts[contractAddress]?.nonce == 2)

        let r2 = execute(Self.createCode(deploy(runtime), create2Salt: 9) + retTop())
        let expected2 = InMemoryHost.create2Address(sender: contractAddress, salt: UInt256(9), initCode: deploy(runtime).bytes)
        #expect(r2.word == UInt256(address: expected2))
        #expect(r2.host.accounts[expected2]?.code == runtime.bytes)
    }

    @Test func createGasEIP3860() {
        // 64 zero bytes of init code (STOP): 3 pushes, CREATE 32000, 2 words of memory (6), and from
        // Shanghai 2 gas per init-code word. The child returns all its gas.
        let c = push(64) + push(0) + push(0) + .create + .pop
        #expect(execute(c, fork: .shanghai).gasUsed == 9 + 32000 + 6 + 4 + 2)
        #expect(execute(c, fork: .paris).gasUsed == 9 + 32000 + 6 + 2)
        // CREATE2 adds 6 per word for hashing.
        let c2 = push(0) + push(64) + push(0) + push(0) + .create2 + .pop
        #expect(execute(c2, fork: .shanghai).gasUsed == 12 + 32000 + 6 + 4 + 12 + 2)
        // Init code above 49152 bytes is out of gas for the creating frame (Shanghai).
        let tooBig = push(49153) + push(0) + push(0) + .create
        #expect(execute(tooBig, fork: .shanghai, gas: 10_000_000).status == .halt(.outOfGas))
        #expect(execute(push(49152) + push(0) + push(0) + .create, fork: .shanghai, gas: 10_000_000).status == .success)
        #expect(execute(tooBig, fork: .paris, gas: 10_000_000).status == .success)
    }

    @Test func createRejectsLargeCodeEIP170AndEFPrefixEIP3541() {
        func deployedAddress(_ initCode: Bytecode, fork: Fork) -> UInt256 {
            execute(Self.createCode(initCode) + retTop(), fork: fork, gas: 10_000_000).word
        }
        #expect(deployedAddress(ret(0, 24577), fork: .cancun) == .zero)
        #expect(deployedAddress(ret(0, 24576), fork: .cancun) != .zero)
        #expect(deployedAddress(ret(0, 24577), fork: .homestead) != .zero)
        let ef = push(0xef) + push(0) + .mstore8 + ret(0, 1)
        #expect(deployedAddress(ef, fork: .london) == .zero)
        #expect(deployedAddress(ef, fork: .berlin) != .zero)
        // Code deposit: 200 per byte. Not enough gas → failure from Homestead, empty code in Frontier.
        let r = execute(Self.createCode(ret(0, 100)) + retTop(), fork: .homestead, gas: 50_000)
        #expect(r.word == .zero)
        let f = execute(Self.createCode(ret(0, 100)) + retTop(), fork: .frontier, gas: 50_000)
        #expect(f.word != .zero)
        #expect(f.host.accounts[f.word.address]?.code == [])
    }

    @Test func create2CollisionAndRevertingInitCode() {
        let runtime = Bytecode(.stop)
        let twice = Self.createCode(deploy(runtime), create2Salt: 1) + .pop + Self.createCode(deploy(runtime), create2Salt: 1) + retTop()
        #expect(execute(twice).word == .zero)
        // Reverting init code: address 0, RETURNDATASIZE = revert data size, nonce still bumped.
        let rev = push(0xdd) + push(0) + .mstore8 + revert(0, 3)
        let r = execute(Self.createCode(rev) + .returndatasize + .add + retTop())
        #expect(r.word == UInt256(3))
        #expect(r.host.accounts[contractAddress]?.nonce == 2)
    }

    // MARK: SELFDESTRUCT (EIP-6780 in Cancun)

    @Test func selfDestructCancunKeepsPreexistingAccount() {
        let c = push(otherAddress) + .selfdestruct
        let r = execute(c, fork: .cancun)
        #expect(r.status == .success)
        #expect(r.host.accounts[contractAddress] != nil)
        #expect(r.host.accounts[contractAddress]?.balance == .zero)
        #expect(r.host.accounts[otherAddress]?.balance == UInt256(1_000_000))
        // 3 + 5000 + cold 2600 + new account 25000 (value moves to a non-existent account).
        #expect(r.gasUsed == 3 + 5000 + 2600 + 25000)
        let s = execute(c, fork: .shanghai)
        #expect(s.host.accounts[contractAddress] == nil)
        #expect(s.result.gasRefund == 0)
        // Pre-London refund 24000.
        #expect(execute(c, fork: .berlin).result.gasRefund == 24000)
        // Tangerine Whistle charges the new account even without value.
        #expect(execute(c, fork: .tangerineWhistle) { h in h.accounts[contractAddress]!.balance = .zero }.gasUsed == 3 + 5000 + 25000)
        #expect(execute(c, fork: .spuriousDragon) { h in h.accounts[contractAddress]!.balance = .zero }.gasUsed == 3 + 5000)
    }

    @Test func selfDestructInSameTransactionDeletes() {
        // Init code that self-destructs: the new account is gone at the end of the transaction, even in Cancun.
        let initCode = push(otherAddress) + .selfdestruct
        let r = execute(Self.createCode(initCode, value: 10) + retTop(), fork: .cancun)
        let created = InMemoryHost.createAddress(sender: contractAddress, nonce: 1)
        #expect(r.word == UInt256(address: created))
        #expect(r.host.accounts[created] == nil)
        #expect(r.host.accounts[otherAddress]?.balance == UInt256(10))
    }

    @Test func deepRecursionReachesDepthLimit() {
        // Frontier passes all gas to the child (no 63/64 rule), so a self-call recursion reaches depth 1024,
        // where the next CALL fails without running. Each level increments slot 0 via the return path.
        // Code: CALL(self, gas = GAS - 100), then SSTORE(0, SLOAD(0) + 1)
        let c = push(0) + push(0) + push(0) + push(0) + push(0) + push(contractAddress) + push(100) + .gas + .sub + .call
            + .pop + push(1) + push(0) + .sload + .add + push(0) + .sstore
        let r = runWithLargeStack { execute(c, fork: .homestead, gas: 200_000_000) }
        #expect(r.status == .success)
        #expect(r.host.accounts[contractAddress]?.storage[.zero] == UInt256(1025))
    }

    @Test func reusedFrameBuffersStartClean() {
        // Two calls at depth 1 reuse the same pooled stack and memory: the second callee must see zeroed
        // memory (MSIZE 0, MLOAD 0 = 0) even though the first wrote 1 KiB.
        let writer = push(UInt256.max) + mstore(992) + push(1) + .stop
        let reader = Bytecode(.msize) + push(992) + .mload + .add + retTop()
        let other2 = EVMAddress(hex: "0000000000000000000000000000000000dead02")!
        let c =
            call(gas: 100_000, to: otherAddress) + .pop + call(gas: 100_000, to: other2, retSize: 32) + .pop
            + mload(0) + retTop()
        let r = execute(c) { h in
            h.accounts[otherAddress] = Account(code: writer.bytes)
            h.accounts[other2] = Account(code: reader.bytes)
        }
        #expect(r.status == .success)
        #expect(r.word == .zero)
        // And the reader really ran: it reports MSIZE after its own MLOAD (1024) when memory is fresh.
        let reader2 = push(992) + .mload + .pop + .msize + retTop()
        let r2 = execute(c) { h in
            h.accounts[otherAddress] = Account(code: writer.bytes)
            h.accounts[other2] = Account(code: reader2.bytes)
        }
        #expect(r2.word == UInt256(1024))
    }
}
