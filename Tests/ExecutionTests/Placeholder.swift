// Execution tests.
