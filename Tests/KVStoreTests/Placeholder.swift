// KVStore tests.
