"""Supervision models: specification, loader, parameter binding and runner.

The models themselves are data in ``procura/catalog/<id>/``; this package
only loads and interprets them.
"""
