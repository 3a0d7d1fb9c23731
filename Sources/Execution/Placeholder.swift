// Execution arrives with its issue.
