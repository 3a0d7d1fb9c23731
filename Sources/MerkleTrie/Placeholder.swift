// The Merkle-Patricia trie arrives with the execution-core issue.
