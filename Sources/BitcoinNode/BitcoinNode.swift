// tbc in Swift (issue 5): the chain store — block index, raw block store, chain state with undo data,
// Hemi's indexes with wind/unwind, `BitcoinView` over the store, and a regtest miner.
// Entry point: `BitcoinChain`; layout and index semantics: docs/bitcoin-node.md.
import BitcoinView
