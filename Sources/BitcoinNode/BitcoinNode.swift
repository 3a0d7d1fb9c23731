// tbc in Swift: block index, block store, sync, indexes with wind/unwind, mempool, regtest miner (issue 5).
// Files arrive with that work; see docs/layout.md.
import BitcoinView
