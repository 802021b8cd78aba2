"""Similar-case search (类案检索): BM25 over the records' free text plus structured similarity."""
