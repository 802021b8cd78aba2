"""Background rows of every table, generated vectorized, that make no lead by construction."""
