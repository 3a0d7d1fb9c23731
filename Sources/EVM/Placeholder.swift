// The EVM interpreter arrives with the execution-core issue.
