// Precompiles arrives with its issue.
