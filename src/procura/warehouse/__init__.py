"""The DuckDB warehouse: its connection, table schemas, record keys, probes and evidence.

Every stage that reads or writes ``warehouse.duckdb`` goes through this package:
``connection`` opens it, ``schema`` says what its tables look like, ``keys``
forms and splits record keys, ``probes`` asks what is there, and ``evidence``
reads the rows a lead cites. It sits just above the data standard, below
ingest, so every layer may use it.
"""
