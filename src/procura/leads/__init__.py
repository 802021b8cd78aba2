"""Leads: the store of supervision leads, their fingerprints and export."""
