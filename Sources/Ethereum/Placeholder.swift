// RLP and Ethereum types arrive with the execution-core issue.
