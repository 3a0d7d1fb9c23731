// Curves arrives with its issue.
