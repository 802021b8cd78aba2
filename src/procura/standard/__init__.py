"""The data standard: tables declared in YAML, value types and their normalizers."""
