// BitcoinP2P arrives with its issue.
