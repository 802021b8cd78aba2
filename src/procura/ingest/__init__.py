"""Ingest: readers, mappings, validation, quarantine, batches and the warehouse connection."""
