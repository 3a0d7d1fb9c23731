// Precompiles tests.
