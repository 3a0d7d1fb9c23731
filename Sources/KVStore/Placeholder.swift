// KVStore arrives with its issue.
