// Tests for Ethereum and MerkleTrie.
