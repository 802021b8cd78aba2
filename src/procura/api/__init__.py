"""The REST API (FastAPI) over the workflow and access services."""

from procura.api.app import create_app

__all__ = ["create_app"]
