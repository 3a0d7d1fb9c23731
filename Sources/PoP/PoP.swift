// Proof-of-Proof: keystones derived from L2 blocks (issue 6), PoP transactions and finality (later).
import BitcoinView
