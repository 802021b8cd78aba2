"""The exchange channel with agencies: API keys, batch uploads with receipts, measures and replies."""
