// EVM tests.
