// BitcoinP2P tests.
