"""procura: a legal-supervision data platform for procuratorates."""

__version__ = "0.1.0"
